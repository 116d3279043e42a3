import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@journey/event-store';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { WeeklyAggregates } from '@journey/projections';
import { lifecycleFunnel } from '../../services/query/src/analytics/analytics';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';

const change = (from: string | undefined, to: string, occurredAt: string): NewEvent => ({
  eventId: randomUUID(),
  type: 'LifecycleStageChanged',
  version: 1,
  occurredAt,
  source: 'test',
  data: { ...(from === undefined ? {} : { from }), to, reason: 'test' },
  metadata: {},
});

describe.each(backends())('the lifecycle funnel on %s', (backend) => {
  let t: TestDatabase;
  let store: PostgresEventStore;
  let weekly: WeeklyAggregates;
  const errors: unknown[] = [];
  const march = { from: '2026-03-01T00:00:00.000Z', to: '2026-03-31T00:00:00.000Z' };
  const now = new Date('2026-04-01T00:00:00.000Z');

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    store = new PostgresEventStore(t.db);
    weekly = new WeeklyAggregates(store, (error) => void errors.push(error));
    await weekly.start();
  });
  afterAll(async () => {
    await weekly.stop();
    await store.close();
    await t.drop();
  });

  it("counts the period's stage changes and the customers who made them, kept from the log by the weekly subscription", async () => {
    await store.append('customer-a', [
      change('prospect', 'first_time', march.from),
      change('first_time', 'repeat', '2026-03-05T00:00:00.000Z'),
      change('repeat', 'at_risk', '2026-03-09T00:00:00.000Z'),
      change('at_risk', 'repeat', '2026-03-10T00:00:00.000Z'),
      change('repeat', 'at_risk', '2026-03-20T00:00:00.000Z'),
    ]);
    // Just before the period, and at its end (which it leaves out).
    await store.append('customer-b', [change('prospect', 'first_time', '2026-02-28T23:59:59.999Z'), change('first_time', 'repeat', march.to)]);
    await store.append('customer-c', [change('prospect', 'first_time', '2026-03-15T00:00:00.000Z'), change('first_time', 'repeat', '2026-03-16T00:00:00.000Z')]);
    // A change that names no stage left.
    await store.append('customer-d', [change(undefined, 'first_time', '2026-03-02T00:00:00.000Z')]);
    await weekly.caughtUp();

    const funnel = await lifecycleFunnel(t.db, march, now);
    // Most changes first; then by the stage left and the stage entered, a change naming none last.
    expect(funnel.transitions).toEqual([
      { from: 'first_time', to: 'repeat', customers: 2, changes: 2 },
      { from: 'prospect', to: 'first_time', customers: 2, changes: 2 },
      { from: 'repeat', to: 'at_risk', customers: 1, changes: 2 },
      { from: 'at_risk', to: 'repeat', customers: 1, changes: 1 },
      { from: null, to: 'first_time', customers: 1, changes: 1 },
    ]);
    expect(funnel.period).toEqual(march);
    expect((await lifecycleFunnel(t.db, { from: '2026-02-01T00:00:00.000Z', to: march.from }, now)).transitions).toEqual([
      { from: 'prospect', to: 'first_time', customers: 1, changes: 1 },
    ]);
    expect((await lifecycleFunnel(t.db, march, now, false)).transitions).toEqual([]);

    // A later change is counted once its batch is folded; each change once.
    await store.append('customer-b', [change('repeat', 'at_risk', '2026-03-30T23:59:59.999Z')]);
    await weekly.caughtUp();
    expect((await lifecycleFunnel(t.db, march, now)).transitions.find((move) => move.from === 'repeat' && move.to === 'at_risk')).toEqual({
      from: 'repeat',
      to: 'at_risk',
      customers: 2,
      changes: 3,
    });
    expect(errors).toEqual([]);
  });
});
