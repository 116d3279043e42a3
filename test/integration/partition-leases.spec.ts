import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '@journey/database';
import { partitionOfStream, type NewEvent, type PartitionLeases } from '@journey/event-store';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

const P = 16;

function leasesOn(db: Database, member: string, leaseMs = 60_000): PartitionLeases<Queryable> {
  return new PostgresEventStore(db).partitionLeases('test-group', { count: P, leaseMs, member });
}

function searched(): NewEvent {
  return { eventId: randomUUID(), type: 'SearchPerformed', version: 1, occurredAt: new Date().toISOString(), source: 'shop', data: { query: 'boots' }, metadata: {} };
}

describeWithServer('partition leases in PostgreSQL', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres', 4);
  });
  afterAll(async () => {
    await t.drop();
  });
  afterEach(async () => {
    await t.db.query('DELETE FROM journey.partition_leases; DELETE FROM journey.lease_members');
  });

  const tickAll = async (...all: Array<PartitionLeases<Queryable> & { tick?: () => Promise<void> }>) => {
    for (const leases of all) await (leases as unknown as { tick(): Promise<void> }).tick();
  };

  it('gives a lone process every partition, splits them fairly when another joins, and hands them back on stop', async () => {
    const a = leasesOn(t.db, 'a');
    await a.start();
    expect(a.owned().size).toBe(P);

    const b = leasesOn(await t.open(2), 'b');
    await b.start();
    expect(b.owned().size).toBe(0); // all taken: a gives back its excess on its next round
    await tickAll(a, b);
    expect(a.owned().size).toBe(P / 2);
    expect(b.owned().size).toBe(P / 2);
    expect([...a.owned()].some((p) => b.owned().has(p))).toBe(false);
    expect(a.status().members).toBe(2);

    await b.stop();
    expect(b.owned().size).toBe(0);
    await tickAll(a);
    expect(a.owned().size).toBe(P);
    await a.stop();
  });

  it('a process paused past its leases while the group was split anew takes, renews and holds nothing of the new split', async () => {
    const paused = leasesOn(t.db, 'paused', 400);
    await paused.start();
    expect(paused.owned().size).toBe(P);
    // Its timer stands still (a long pause); its leases lapse, and the group restarts with 8 partitions.
    clearInterval((paused as unknown as { timer: NodeJS.Timeout }).timer);
    await until(async () => ((await t.db.query("SELECT 1 FROM journey.partition_leases WHERE lease_until > clock_timestamp()")).rows.length === 0 ? true : undefined), 60_000, 'the leases to lapse');
    const resplit = new PostgresEventStore(await t.open(2)).partitionLeases('test-group', { count: 8, leaseMs: 60_000, member: 'resplit' });
    await resplit.start();
    expect(resplit.owned().size).toBe(8);
    await resplit.stop();
    // The paused process resumes: the free partitions are the new split's, not its own.
    await tickAll(paused);
    expect(paused.owned().size).toBe(0);
    expect(await t.db.transaction((tx) => paused.holds(tx, [0]))).toBe(false);
    const { rows } = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM journey.partition_leases WHERE owner = 'paused'");
    expect(rows[0]!.n).toBe(0);
    await paused.stop();
  });

  it('refuses to start with another partition count than the group was split into', async () => {
    const a = leasesOn(t.db, 'a');
    await a.start();
    const other = new PostgresEventStore(t.db).partitionLeases('test-group', { count: 8, leaseMs: 60_000, member: 'c' });
    await expect(other.start()).rejects.toThrow(/JOURNEY_PARTITIONS is 8, but test-group is split into 16/);
    await a.stop();
  });

  it('takes a crashed process’s partitions once its leases lapse', async () => {
    const crashedDb = await t.open(2);
    const crashed = leasesOn(crashedDb, 'crashed', 1000);
    await crashed.start();
    const survivor = leasesOn(t.db, 'survivor', 1000);
    await survivor.start();
    await tickAll(crashed, survivor);
    expect(crashed.owned().size).toBe(P / 2);
    await crashedDb.close(); // it renews nothing from now on
    await until(async () => {
      await tickAll(survivor);
      return survivor.owned().size === P ? true : undefined;
    }, 60_000, 'the survivor holding every partition');
    await survivor.stop();
  });

  it('fences a process whose lease lapsed and was taken: it no longer holds it inside a transaction', async () => {
    const a = leasesOn(t.db, 'a');
    await a.start();
    const b = leasesOn(await t.open(2), 'b');
    await b.start();
    // a pauses past its leases (a long GC, a frozen VM): they lapse and b takes them.
    await t.db.query("UPDATE journey.partition_leases SET lease_until = clock_timestamp() - interval '1 second' WHERE owner = 'a'");
    await tickAll(b);
    expect(b.owned().size).toBe(P);
    expect(await t.db.transaction((tx) => a.holds(tx, [0]))).toBe(false);
    expect(await t.db.transaction((tx) => b.holds(tx, [0, 1, 2]))).toBe(true);
    await tickAll(a); // a's renewal finds none of its leases: it stops reading them
    expect(a.owned().size).toBe(0);
    await a.stop();
    await b.stop();
  });

  it('runs a partitioned subscription in two processes: each event handled once, and a released partition resumes where it stopped', async () => {
    await t.db.exec('CREATE TABLE IF NOT EXISTS handled (event_id uuid, member text)');
    const dbB = await t.open(3);
    const stores = [new PostgresEventStore(t.db), new PostgresEventStore(dbB)];
    const leases = [leasesOn(t.db, 'a'), leasesOn(dbB, 'b')];
    for (const l of leases) await l.start();
    await tickAll(...leases);
    const subscriptions = stores.map((store, i) =>
      store.subscribe(
        'test:partitioned',
        async (events, unit) => {
          for (const event of events) await unit.state.query('INSERT INTO handled VALUES ($1, $2)', [event.eventId, i === 0 ? 'a' : 'b']);
        },
        { batchSize: 50, pollIntervalMs: 50, partitions: { ownership: leases[i]! } },
      ),
    );
    const append = async (from: number, to: number) => {
      for (let c = from; c < to; c++) await stores[c % 2]!.append(`customer-c-${c}`, [searched(), searched()]);
    };
    await append(0, 200);
    await subscriptions[0]!.caughtUp();

    const once = async () => {
      const { rows } = await t.db.query<{ total: number; distinct: number; events: number }>(
        `SELECT (SELECT count(*)::int FROM handled) AS total, (SELECT count(DISTINCT event_id)::int FROM handled) AS distinct,
                (SELECT count(*)::int FROM journey.events) AS events`,
      );
      return rows[0]!;
    };
    expect(await once()).toEqual({ total: 400, distinct: 400, events: 400 });
    // Each process handled only the partitions it held.
    const { rows } = await t.db.query<{ stream_id: string; member: string }>(
      'SELECT e.stream_id, h.member FROM handled h JOIN journey.events e ON e.event_id = h.event_id',
    );
    for (const row of rows) {
      const partition = partitionOfStream(row.stream_id, P);
      expect(leases[row.member === 'a' ? 0 : 1]!.owned().has(partition)).toBe(true);
    }

    // b stops: a takes b's partitions and carries on from b's checkpoints.
    await subscriptions[1]!.stop();
    await leases[1]!.stop();
    await tickAll(leases[0]!);
    expect(leases[0]!.owned().size).toBe(P);
    await append(200, 300);
    await subscriptions[0]!.caughtUp();
    expect(await once()).toEqual({ total: 600, distinct: 600, events: 600 });
    await subscriptions[0]!.stop();
    await leases[0]!.stop();
    for (const store of stores) await store.close();
  });

  it('lets events gather after a batch that emptied the log: a stream of single-event commits in a few batches, each event once', async () => {
    const leases = leasesOn(t.db, 'a');
    await leases.start();
    const store = new PostgresEventStore(t.db);
    const batches: number[] = [];
    const gatherMs = 200;
    // The log holds the earlier tests' events too: those are read in the first batch.
    const subscription = store.subscribe('test:gathering', async (events) => void batches.push(events.filter((event) => event.streamId.startsWith('customer-g-')).length), {
      batchSize: 1000,
      pollIntervalMs: 50,
      gatherMs,
      partitions: { ownership: leases },
    });
    await subscription.caughtUp();
    batches.length = 0;
    const started = Date.now();
    for (let c = 0; c < 60; c++) {
      await store.append(`customer-g-${c}`, [searched()]);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await subscription.caughtUp();
    const elapsed = Date.now() - started;
    expect(batches.reduce((sum, n) => sum + n, 0)).toBe(60);
    // Every batch after the first waited the gathering time: however slow the machine, no more batches than that allows.
    expect(batches.length).toBeLessThanOrEqual(Math.floor(elapsed / gatherMs) + 1);
    await subscription.stop();
    await leases.stop();
    await store.close();
  });

  it('splits a caught-up subscription anew when every process restarts with another partition count', async () => {
    await t.db.exec('CREATE TABLE IF NOT EXISTS resplit (event_id uuid)');
    const store = new PostgresEventStore(t.db);
    const run = async (count: number, from: number, to: number) => {
      const leases = store.partitionLeases('resplit', { count, leaseMs: 60_000, member: 'one' });
      await leases.start();
      const subscription = store.subscribe(
        'test:resplit',
        async (events, unit) => {
          for (const event of events) {
            if (event.streamId.startsWith('customer-r-')) await unit.state.query('INSERT INTO resplit VALUES ($1)', [event.eventId]);
          }
        },
        { pollIntervalMs: 50, partitions: { ownership: leases } },
      );
      for (let c = from; c < to; c++) await store.append(`customer-r-${c}`, [searched()]);
      await subscription.caughtUp();
      await subscription.stop();
      await leases.stop();
    };
    await run(16, 0, 50);
    await run(4, 50, 80);
    const { rows } = await t.db.query<{ total: number; distinct: number }>('SELECT count(*)::int AS total, count(DISTINCT event_id)::int AS distinct FROM resplit');
    expect(rows[0]).toEqual({ total: 80, distinct: 80 });
    const { rows: names } = await t.db.query<{ name: string }>("SELECT name FROM journey.checkpoints WHERE name LIKE 'test:resplit%' ORDER BY name");
    expect(names.map((row) => row.name)).toEqual([0, 1, 2, 3].map((p) => `test:resplit#${p}/4`));
    await store.close();
  });
});
