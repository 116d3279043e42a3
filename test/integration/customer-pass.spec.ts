import { randomUUID } from 'node:crypto';
import { streamIdOf, type JourneyEvent } from '@journey/contracts';
import { isBefore } from '@journey/event-store';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';
import { liveCustomer, Projector, type CustomerDecider } from '@journey/projections';
import { customerEvent, purchase } from '../support/projection-harness';
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

/** A decider that remembers the types it was handed, heeding only `heeded` when given. */
function typesDecider(heeded?: readonly string[]): CustomerDecider & { seen: string[] } {
  const seen: string[] = [];
  return {
    name: 'types',
    seen,
    ...(heeded ? { heeds: async () => (type: string) => heeded.includes(type) } : {}),
    async begin() {
      return { decide: (event: JourneyEvent) => void seen.push(event.type), flush: async () => undefined };
    },
  };
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

  it('does not fold again a derived event its row holds that no decider heeds, and folds one it does not hold', async () => {
    const customerId = `c-${randomUUID().slice(0, 8)}`;
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const bought = purchase(customerId, at);
    await store.append(streamIdOf(bought), [bought]);
    const options = { ...DEFAULT_PROJECTION_OPTIONS, clockIntervalMs: 0, rfmIntervalMs: 0 };
    const heedsPurchases = typesDecider(['PurchaseCompleted']);
    const heedsAll = typesDecider();
    const run = async (decider: CustomerDecider): Promise<void> => {
      const projector = new Projector(t.db, store, options, () => new Date(), { deciders: [decider] });
      await projector.start();
      // The stage change the pass derives is appended beside its batch, and read in a later one.
      for (let head = await store.lastCommitted(); ; ) {
        await projector.caughtUp();
        const now = await store.lastCommitted();
        if (!isBefore(head, now)) break;
        head = now;
      }
      await projector.stop();
    };
    await run(heedsPurchases);
    const { rows } = await t.db.query<{ type: string }>('SELECT type FROM journey.events WHERE stream_id = $1 ORDER BY stream_position', [streamIdOf(bought)]);
    expect(rows.map((row) => row.type)).toEqual(['PurchaseCompleted', 'LifecycleStageChanged']);
    // The row already holds the stage change: a decider that does not heed it is not handed it.
    expect(heedsPurchases.seen).toEqual(['PurchaseCompleted']);

    // A membership change appended without its row's write (as a backfill cut short would leave it) is folded.
    const entered = customerEvent('SegmentEntered', { customerId }, at, { segmentId: 'vip', segmentVersion: 1, change: 1, backfill: true, causeEventId: randomUUID() });
    await store.append(streamIdOf(entered), [entered]);
    await run(heedsAll);
    expect((await liveCustomer(t.db, customerId))?.segments.vip).toMatchObject({ member: true, change: 1 });
    // A decider that heeds every type (one without heeds()) is handed every event.
    expect(heedsAll.seen).toEqual(['SegmentEntered']);
  });
});
