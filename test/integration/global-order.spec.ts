import { randomInt, randomUUID } from 'node:crypto';
import { START_CURSOR, type NewEvent, type RecordedEvent } from '@journey/event-store';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { type Database } from '@journey/database';
import { until } from '../support/until';
import { backends, createTestDatabase, describeWithServer, type Backend, type TestDatabase } from '../support/test-database';

function event(writer: number, n: number): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'PageViewed',
    version: 1,
    occurredAt: '2026-03-01T12:00:00.000Z',
    source: 'web',
    data: { url: `/w${writer}/${n}` },
    metadata: {},
  };
}

/** The sizes of the run per backend: PGlite is one connection, so it gets a smaller one. */
const PLAN: Record<Backend, { events: number; streams: number; pools: number }> = {
  postgres: { events: 20_000, streams: 500, pools: 2 },
  pglite: { events: 2_000, streams: 100, pools: 1 },
};

describe.each(backends())('global order on %s', (backend) => {
  const plan = PLAN[backend];
  let t: TestDatabase;
  const stores: PostgresEventStore[] = [];
  const databases: Database[] = [];

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    databases.push(t.db);
    for (let i = 1; i < plan.pools; i++) databases.push(await t.open());
    for (const db of databases) stores.push(new PostgresEventStore(db));
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    await t.drop();
  });

  it(`delivers every one of ${plan.events} events exactly once, in stream order, while transactions commit out of order`, async () => {
    const delivered: RecordedEvent[] = [];
    const subscription = stores[0]!.subscribe('follower', async (events) => void delivered.push(...events), {
      batchSize: 500,
      pollIntervalMs: 25,
    });

    const streams = Array.from({ length: plan.streams }, () => `customer-${randomUUID()}`);
    let remaining = plan.events;
    let held = 0;
    let overtaken = 0;
    let completed = 0;
    const writers = Array.from({ length: 8 }, async (_, writer) => {
      const store = stores[writer % stores.length]!;
      let n = 0;
      while (remaining > 0) {
        const size = Math.min(remaining, 1 + randomInt(10));
        remaining -= size;
        const events = Array.from({ length: size }, () => event(writer, n++));
        const streamId = streams[randomInt(streams.length)]!;
        if (randomInt(10) === 0) {
          // Inserted early, committed late: its positions are below events that commit first.
          held++;
          await store.unitOfWork(async (unit) => {
            await unit.append([{ streamId, events }]);
            const before = completed;
            await unit.state.query('SELECT pg_sleep($1)', [randomInt(40) / 1000]);
            if (completed > before) overtaken++;
          });
        } else {
          await store.append(streamId, events);
        }
        completed++;
      }
    });
    await Promise.all(writers);
    await subscription.caughtUp();
    await subscription.stop();

    expect(held).toBeGreaterThan(0);
    if (backend === 'postgres') expect(overtaken).toBeGreaterThan(0);
    expect(delivered).toHaveLength(plan.events);
    expect(new Set(delivered.map((e) => e.eventId)).size).toBe(plan.events);

    const lastPosition = new Map<string, number>();
    for (const e of delivered) {
      expect(e.streamPosition).toBe((lastPosition.get(e.streamId) ?? 0) + 1);
      lastPosition.set(e.streamId, e.streamPosition);
    }
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey.events');
    expect(rows[0]!.n).toBe(plan.events);
    for (const streamId of streams.slice(0, 20)) expect((await stores[0]!.verify(streamId)).ok).toBe(true);
  });
});

describeWithServer('stream order when a transaction holds an older id', () => {
  let t: TestDatabase;
  let store: PostgresEventStore;
  let other: PostgresEventStore;

  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    store = new PostgresEventStore(t.db);
    other = new PostgresEventStore(await t.open());
  });
  afterAll(async () => {
    await store.close();
    await other.close();
    await t.drop();
  });

  it('runs the transaction again rather than sort its later positions before a newer writer', async () => {
    const stream = `customer-${randomUUID()}`;
    const elsewhere = `customer-${randomUUID()}`;
    const late = event(0, 1);
    let attempts = 0;
    await store.unitOfWork(async (unit) => {
      attempts++;
      // This transaction takes its id here, before the other writer below takes its own.
      await unit.append([{ streamId: elsewhere, events: [event(0, 0)] }]);
      if (attempts === 1) await other.append(stream, [event(1, 0), event(1, 1)]);
      await unit.append([{ streamId: stream, events: [late] }]);
    });
    expect(attempts).toBe(2);

    // Once the safe horizon passes both commits (other tests' transactions hold it back a moment).
    const events = await until(
      async () => {
        const page = (await store.readAll(START_CURSOR, 100)).events;
        return page.filter((e) => e.streamId === stream).length === 3 ? page : undefined;
      },
      10_000,
      'both commits below the horizon',
    );
    const positions = events.filter((e) => e.streamId === stream).map((e) => e.streamPosition);
    expect(positions).toEqual([1, 2, 3]);
    expect(events.find((e) => e.streamPosition === 3 && e.streamId === stream)!.eventId).toBe(late.eventId);
    expect((await store.verify(stream)).ok).toBe(true);
  });
});
