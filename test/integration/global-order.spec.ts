import { randomInt, randomUUID } from 'node:crypto';
import { allPartitions, START_CURSOR, type NewEvent, type RecordedEvent } from '@journey/event-store';
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
    // A read model whose slow units append nothing, so the follower's reads pass their open transactions.
    let readModelSaw = 0;
    const readModel = stores[0]!.subscribe(
      'slow-read-model',
      async (events, unit) => {
        await unit.state.query('SELECT pg_sleep($1)', [randomInt(20) / 1000]);
        readModelSaw += events.length;
      },
      { batchSize: 200, pollIntervalMs: 25, appendsNothing: true },
    );

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
    await readModel.caughtUp();
    await readModel.stop();
    expect(readModelSaw).toBe(plan.events);

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

describe.each(backends())('a subscription of some types on %s', (backend) => {
  let t: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    store = new PostgresEventStore(t.db);
  });
  afterAll(async () => {
    await store.close();
    await t.drop();
  });

  it.each([
    ['one checkpoint', false],
    ['partitions', true],
  ])('is handed only those types, in order, and its checkpoint passes the others (%s)', async (_, partitioned) => {
    const handled: RecordedEvent[] = [];
    const subscription = store.subscribe(`typed-${String(partitioned)}`, async (events) => void handled.push(...events), {
      batchSize: 7,
      pollIntervalMs: 25,
      types: ['PurchaseCompleted', 'PurchaseRefunded'],
      partitions: partitioned ? { ownership: allPartitions(4) } : undefined,
    });
    const streams = Array.from({ length: 5 }, () => `customer-${randomUUID()}`);
    const types = ['PageViewed', 'PurchaseCompleted', 'SegmentEntered', 'PageViewed', 'PurchaseRefunded'];
    const appended: NewEvent[] = [];
    for (let n = 0; n < 60; n++) {
      const one = { ...event(0, n), type: types[n % types.length]! };
      appended.push(one);
      await store.append(streams[n % streams.length]!, [one]);
    }
    // The last events are of types it does not read: caught up means its checkpoint passed them.
    await store.append(streams[0]!, [event(0, 60), event(0, 61)]);
    await subscription.caughtUp();
    await subscription.stop();
    const wanted = appended.filter((e) => e.type === 'PurchaseCompleted' || e.type === 'PurchaseRefunded');
    const ours = handled.filter((e) => streams.includes(e.streamId));
    expect(ours.map((e) => e.eventId)).toEqual(wanted.map((e) => e.eventId));
    expect(handled.every((e) => e.type === 'PurchaseCompleted' || e.type === 'PurchaseRefunded')).toBe(true);
    expect(ours.every((e) => e.data !== null && typeof e.occurredAt === 'string' && e.hash.length === 64)).toBe(true);
  });
});

describeWithServer('the safe horizon on a server', () => {
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

  /** The global order as `reader` reads it once it holds `wanted` (other tests' transactions may hold the horizon a moment). */
  function readHolding(reader: PostgresEventStore, wanted: NewEvent, what: string): Promise<readonly RecordedEvent[]> {
    return until(
      async () => {
        const { events } = await reader.readAll(START_CURSOR, 100);
        return events.some((e) => e.eventId === wanted.eventId) ? events : undefined;
      },
      20_000,
      what,
    );
  }

  /**
   * Subscribes `name` and resolves once its unit, on `first`, has tried to append `inUnit` and is
   * open (holding a transaction id), with the append's outcome and the way to let the unit end.
   */
  async function openUnit(name: string, appendsNothing: boolean, first: NewEvent, inUnit: NewEvent): Promise<{ outcome: unknown; release: () => void; stop: () => Promise<void> }> {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: (outcome: unknown) => void;
    const opened = new Promise<unknown>((resolve) => (entered = resolve));
    const subscription = store.subscribe(
      name,
      async (events, unit) => {
        if (!events.some((e) => e.eventId === first.eventId)) return;
        entered(await unit.append([{ streamId: `customer-${randomUUID()}`, events: [inUnit] }]).then(() => 'appended', (error: unknown) => error));
        await gate;
      },
      { pollIntervalMs: 25, appendsNothing },
    );
    await store.append(`customer-${randomUUID()}`, [first]);
    const outcome = await opened;
    return { outcome, release, stop: () => subscription.stop() };
  }

  it("lets this process's reads pass a read model's open unit, and no other's", async () => {
    const first = event(1, 0);
    const unit = await openUnit('read-model', true, first, event(1, 9));
    const later = event(1, 1);
    try {
      // The unit may not append: readers do not wait for its transaction.
      expect(unit.outcome).toBeInstanceOf(Error);
      await store.append(`customer-${randomUUID()}`, [later]);
      const read = await readHolding(store, later, 'the later commit read past the open unit');
      expect(read.map((e) => e.eventId)).toEqual(expect.arrayContaining([first.eventId, later.eventId]));
      // Another process does not know the unit appends nothing: its horizon waits for it.
      expect((await other.readAll(START_CURSOR, 100)).events.map((e) => e.eventId)).not.toContain(later.eventId);
      // A unit's own uncommitted events stay above the horizon of its reads.
      const own = event(1, 2);
      const readWithin = await store.unitOfWork(async (within) => {
        await within.append([{ streamId: `customer-${randomUUID()}`, events: [own] }]);
        return (await within.readAll(START_CURSOR, 100)).events.map((e) => e.eventId);
      });
      expect(readWithin).toContain(later.eventId);
      expect(readWithin).not.toContain(own.eventId);
    } finally {
      unit.release();
      await unit.stop();
    }
    await readHolding(other, later, 'the later commit read by the other process');
  });

  it('waits for the open unit of a subscription that may append', async () => {
    const first = event(2, 0);
    const inUnit = event(2, 9);
    const unit = await openUnit('appending-model', false, first, inUnit);
    const later = event(2, 1);
    try {
      expect(unit.outcome).toBe('appended');
      await store.append(`customer-${randomUUID()}`, [later]);
      // The unit's event commits below the later one: reading past the open unit would skip it.
      expect((await store.readAll(START_CURSOR, 100)).events.map((e) => e.eventId)).not.toContain(later.eventId);
    } finally {
      unit.release();
      await unit.stop();
    }
    const read = await readHolding(store, later, 'the later commit read once the unit ended');
    const order = read.map((e) => e.eventId);
    expect(order.indexOf(inUnit.eventId)).toBeGreaterThanOrEqual(0);
    expect(order.indexOf(inUnit.eventId)).toBeLessThan(order.indexOf(later.eventId));
  });
});
