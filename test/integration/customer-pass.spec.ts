import { randomUUID } from 'node:crypto';
import { streamIdOf, type JourneyEvent } from '@journey/contracts';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';
import { liveCustomer, Projector, type CustomerDecider } from '@journey/projections';
import { customerEvent } from '../support/projection-harness';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * A decider that writes, for each event folded into a customer, the views the state it left
 * counts; the first `failures` flushes throw after writing, as a crash mid-batch would.
 */
function viewsDecider(failures: number): CustomerDecider & { flushes: number } {
  const decider = {
    name: 'views',
    flushes: 0,
    async begin(unit: Parameters<CustomerDecider['begin']>[0]) {
      const seen: Array<{ event_id: string; customer_id: string; views: number }> = [];
      return {
        decide: (event: JourneyEvent, customer: { customerId: string; views: number }) =>
          void seen.push({ event_id: event.eventId, customer_id: customer.customerId, views: customer.views }),
        flush: async () => {
          await unit.state.query(
            'INSERT INTO journey.test_seen (event_id, customer_id, views) SELECT * FROM json_to_recordset($1::json) AS x(event_id uuid, customer_id text, views int)',
            [JSON.stringify(seen)],
          );
          if (decider.flushes++ < failures) throw new Error('the process died mid-batch');
        },
      };
    },
  };
  return decider;
}

describe.each(backends())('the customer pass with a decider on %s', (backend) => {
  let t: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    store = new PostgresEventStore(t.db);
    await t.db.exec('CREATE TABLE journey.test_seen (event_id uuid PRIMARY KEY, customer_id text NOT NULL, views int NOT NULL)');
  });
  afterAll(async () => {
    await store.close();
    await t.drop();
  });

  it('hands each event the state it left, visitor history merged, and writes with the checkpoint: once, across a failed batch', async () => {
    const customerId = `c-${randomUUID().slice(0, 8)}`;
    const visitor = { anonymousId: `v-${randomUUID().slice(0, 8)}` };
    const at = (minute: number) => new Date(Date.UTC(2026, 4, 1, 10, minute)).toISOString();
    const events = [
      customerEvent('ProductViewed', visitor, at(1)),
      customerEvent('ProductViewed', visitor, at(2)),
      customerEvent('IdentityLinked', { customerId }, at(3), { anonymousId: visitor.anonymousId }),
      customerEvent('ProductViewed', { customerId }, at(4)),
      customerEvent('ProductViewed', visitor, at(5)),
    ];
    for (const event of events) await store.append(streamIdOf(event), [event]);

    const decider = viewsDecider(1);
    const projector = new Projector(t.db, store, { ...DEFAULT_PROJECTION_OPTIONS, clockIntervalMs: 0, rfmIntervalMs: 0 }, () => new Date(), { deciders: [decider] });
    await projector.start();
    await projector.caughtUp();
    await projector.stop();

    expect(decider.flushes).toBeGreaterThanOrEqual(2);
    const { rows } = await t.db.query<{ event_id: string; customer_id: string; views: number }>(
      'SELECT event_id, customer_id, views FROM journey.test_seen WHERE customer_id = $1 ORDER BY views',
      [customerId],
    );
    // The visitor's own views are folded into the visitor, not judged; from the link on, each event sees the count it left.
    expect(rows).toEqual([
      { event_id: events[2]!.eventId, customer_id: customerId, views: 2 },
      { event_id: events[3]!.eventId, customer_id: customerId, views: 3 },
      { event_id: events[4]!.eventId, customer_id: customerId, views: 4 },
    ]);
    expect((await liveCustomer(t.db, customerId))?.views).toBe(4);
  });
});
