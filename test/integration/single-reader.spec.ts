import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '@journey/database';
import type { PartitionLeases } from '@journey/event-store';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { WEEKLY_SUBSCRIPTION, WeeklyAggregates } from '@journey/projections';
import { SAMPLE_DATA } from '../support/sample-events';
import { createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

const LEASE_MS = 2_000;

/** A database whose reads of the log in the global order are counted (a subscription's batches). */
function counting(db: Database): { db: Database; reads: () => number } {
  let reads = 0;
  const wrapped = new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'query') {
        return (sql: string, ...rest: unknown[]) => {
          if (/FROM journey\.events\s+WHERE \(tx_id, global_position\) >/.test(sql)) reads++;
          return (target.query as (...args: unknown[]) => unknown).call(target, sql, ...rest);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { db: wrapped, reads: () => reads };
}

/** A process of its own: its pool, its store, its lease and its weekly aggregates. */
async function aggregatesProcess(t: TestDatabase, member: string) {
  const { db, reads } = counting(await t.open(3));
  const store = new PostgresEventStore(db);
  const lease: PartitionLeases<Queryable> = store.partitionLeases(WEEKLY_SUBSCRIPTION, { count: 1, leaseMs: LEASE_MS, member });
  const errors: unknown[] = [];
  const weekly = new WeeklyAggregates(store, (error) => void errors.push(error), lease);
  await weekly.start();
  return { db, store, lease, weekly, reads, errors, holds: () => lease.owned().has(0) };
}

describeWithServer('a reader held by one process at a time (the weekly aggregates)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres', 4);
  });
  afterAll(async () => {
    await t.drop();
  });

  const purchases = async (store: PostgresEventStore, n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const event = { eventId: randomUUID(), type: 'PurchaseCompleted', version: 1, occurredAt: '2026-03-04T12:00:00.000Z', source: 'test', data: { ...SAMPLE_DATA.PurchaseCompleted, orderId: `o-${randomUUID()}` }, metadata: {} };
      await store.append(`customer-c-${randomUUID().slice(0, 8)}`, [event]);
    }
  };
  const orders = async (): Promise<number> =>
    Number((await t.db.query<{ n: string | null }>("SELECT sum(orders) AS n FROM journey.weekly_sales WHERE currency = 'EUR'")).rows[0]!.n ?? 0);

  it('is read by the holder of its lease only, counts each event once, and is taken over within the lease when the holder stops', async () => {
    const a = await aggregatesProcess(t, 'a');
    const b = await aggregatesProcess(t, 'b');
    await until(async () => (Number(a.holds()) + Number(b.holds()) === 1 ? true : undefined), 60_000, 'one of the two to hold the lease');
    const [holder, other] = a.holds() ? [a, b] : [b, a];
    const otherReadsBefore = other.reads();

    await purchases(holder.store, 15);
    await purchases(other.store, 15);
    await holder.weekly.caughtUp();
    await other.weekly.caughtUp();
    expect(await orders()).toBe(30);
    // The other process did not read the log for it (each read was the holder's).
    expect(other.reads()).toBe(otherReadsBefore);
    expect(holder.reads()).toBeGreaterThan(0);

    // The holder stops; the other takes the lease over when it lapses and goes on from the checkpoint.
    await holder.weekly.stop();
    await until(async () => (other.holds() ? true : undefined), 60_000, 'the other process to take the lease over');
    await purchases(other.store, 10);
    await other.weekly.caughtUp();
    expect(await orders()).toBe(40);
    expect(other.reads()).toBeGreaterThan(otherReadsBefore);
    expect([...a.errors, ...b.errors]).toEqual([]);

    await other.weekly.stop();
    for (const process of [a, b]) {
      await process.store.close();
      await process.db.close();
    }
  });
});
