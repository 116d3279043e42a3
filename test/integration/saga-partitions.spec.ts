import { randomUUID } from 'node:crypto';
import type { ActionChannel } from '@journey/contracts';
import { partitionOf, type PartitionLeases } from '@journey/event-store';
import type { Queryable } from '@journey/database';
import { LogChannel, ownedDueIds, Saga, SAGA_PARTITIONS, type Channel } from '@journey/journeys';
import { JourneyHarness } from '../support/journey-harness';
import { createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

const P = 8;
const LEASE_MS = 2_000;

/** A saga process of its own: its partition leases, and the action ids its log channel delivered. */
function sagaProcess(h: JourneyHarness, member: string) {
  const delivered: string[] = [];
  const channels = new Map<ActionChannel, Channel>([['log', new LogChannel({ info: (fields) => void delivered.push((fields as { actionId: string }).actionId) })]]);
  const leases: PartitionLeases<Queryable> = h.store.partitionLeases(SAGA_PARTITIONS, { count: P, leaseMs: LEASE_MS, member });
  const saga = new Saga(h.db, h.store, h.settings, channels, () => h.now, undefined, leases);
  return { saga, leases, delivered };
}

const roundOf = (leases: PartitionLeases<Queryable>) => (leases as unknown as { tick(): Promise<void> }).tick();

describeWithServer('the saga’s partitions across processes', () => {
  let t: TestDatabase;
  let h: JourneyHarness;

  beforeAll(async () => {
    t = await createTestDatabase('postgres', 6);
    h = new JourneyHarness(t.db);
    // Midday in Berlin, the customers' time zone: no quiet hours hold a delivery back.
    h.now = new Date('2026-06-01T10:00:00.000Z');
    await h.start([{ id: 'thanks', name: 'Thank buyers', trigger: { event: 'PurchaseCompleted' }, action: { channel: 'log', target: 'thanks', template: 'Thanks for {{event.data.orderId}}', params: {} } }]);
  });
  afterAll(async () => {
    await h.close();
    await t.drop();
  });

  /** Purchases of new customers, folded and judged: one due delivery each, in the outbox. */
  const buyers = async (n: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = await h.customer({ notInHoldoutOf: ['thanks'] });
      await h.publish(h.purchase(id));
      ids.push(id);
    }
    await h.projector.caughtUp();
    return ids;
  };
  const customerOf = async (actionIds: readonly string[]): Promise<string[]> =>
    (await t.db.query<{ customer_id: string }>('SELECT customer_id FROM journey.outbox WHERE action_id = ANY($1::uuid[])', [actionIds])).rows.map((row) => row.customer_id);
  const pending = async (customers: readonly string[]): Promise<number> =>
    Number((await t.db.query<{ n: string }>("SELECT count(*) AS n FROM journey.outbox WHERE state = 'pending' AND customer_id = ANY($1::text[])", [customers])).rows[0]!.n);

  it('finds a process’s own due rows behind a backlog of other processes’ customers, oldest first, each once', async () => {
    await t.db.query('CREATE TABLE due_rows (id uuid PRIMARY KEY, customer_id text NOT NULL, due_at timestamptz NOT NULL)');
    // 3,000 due rows of others (many at one instant, to the microsecond), then 5 of ours among later ones.
    const others = Array.from({ length: 3_000 }, (_, i) => ({ id: randomUUID(), customer_id: `other-${i}`, due_at: i < 1_500 ? '2026-06-01T09:00:00.123456Z' : `2026-06-01T09:${String(i % 60).padStart(2, '0')}:30Z` }));
    const ours = Array.from({ length: 5 }, (_, i) => ({ id: randomUUID(), customer_id: `mine-${i}`, due_at: `2026-06-01T09:59:5${i}Z` }));
    await t.db.query(`INSERT INTO due_rows SELECT * FROM json_to_recordset($1::json) AS x(id uuid, customer_id text, due_at timestamptz)`, [JSON.stringify([...others, ...ours])]);
    const table = { table: 'due_rows', id: 'id', at: 'due_at', due: 'due_at <= $1' };
    const mine = (customerId: string) => customerId.startsWith('mine-');
    expect(await ownedDueIds(t.db, table, '2026-06-01T10:00:00Z', mine, 10)).toEqual(ours.map((row) => row.id));
    expect(await ownedDueIds(t.db, table, '2026-06-01T10:00:00Z', mine, 3)).toEqual(ours.slice(0, 3).map((row) => row.id));
    expect(await ownedDueIds(t.db, table, '2026-06-01T09:59:51Z', mine, 10)).toEqual(ours.slice(0, 2).map((row) => row.id));
    const all = await ownedDueIds(t.db, table, '2026-06-01T10:00:00Z', () => true, 5_000);
    expect(new Set(all).size).toBe(3_005);
  });

  it('delivers each customer’s actions from the process holding its partition, once; a crashed process’s customers are taken over after its lease', async () => {
    const a = sagaProcess(h, 'a');
    const b = sagaProcess(h, 'b');
    await a.saga.start();
    await b.saga.start();
    await roundOf(a.leases);
    await roundOf(b.leases);
    expect([a.leases.owned().size, b.leases.owned().size]).toEqual([P / 2, P / 2]);
    const holder = (customerId: string) => (a.leases.owned().has(partitionOf(customerId, P)) ? 'a' : 'b');

    const first = await buyers(24);
    expect(new Set(first.map(holder))).toEqual(new Set(['a', 'b']));
    await a.saga.tick();
    await b.saga.tick();
    const byA = await customerOf(a.delivered);
    const byB = await customerOf(b.delivered);
    expect(byA.every((id) => holder(id) === 'a')).toBe(true);
    expect(byB.every((id) => holder(id) === 'b')).toBe(true);
    expect([...byA, ...byB].sort()).toEqual([...first].sort());
    expect(a.delivered.length + b.delivered.length).toBe(24);

    // a stops renewing without handing its partitions back (a crash); its customers buy again.
    (a.leases as unknown as { stopped: boolean }).stopped = true;
    const second = await buyers(16);
    const ofA = second.filter((id) => holder(id) === 'a');
    expect(ofA.length).toBeGreaterThan(0);
    await b.saga.tick();
    expect(await pending(ofA)).toBe(ofA.length);
    await until(
      async () => {
        await roundOf(b.leases);
        await b.saga.tick();
        return (await pending(second)) === 0 ? true : undefined;
      },
      60_000,
      'the other process to take the partitions and deliver',
    );
    expect(b.leases.owned().size).toBe(P);
    expect((await customerOf(b.delivered)).filter((id) => second.includes(id)).sort()).toEqual([...second].sort());
    expect(a.delivered.length).toBe(byA.length);
    await b.saga.stop();
    (a.leases as unknown as { stopped: boolean }).stopped = false;
    await a.saga.stop();
  }, 120_000);
});
