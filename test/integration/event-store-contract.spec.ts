import { randomUUID } from 'node:crypto';
import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import {
  ConcurrencyError,
  cursorOf,
  isBefore,
  type AppendResult,
  type EventStore,
  type GlobalCursor,
  type NewEvent,
  type RecordedEvent,
} from '@journey/event-store';
import { KurrentEventStore } from '@journey/event-store/kurrentdb';
import { derivedEventId } from '@journey/domain';
import { KurrentClientDouble } from '../../libs/event-store/src/kurrentdb/kurrent-client.double';
import { PostgresEventStore } from '@journey/event-store/postgres';
import type { Database, Queryable } from '@journey/database';
import { kurrentSource, startKurrent, type KurrentServer } from '../support/kurrentdb-server';
import { backends, createTestDatabase, serverUrl, skipLine, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

/**
 * What every adapter of the EventStore port must give, run against each: PostgreSQL, PGlite, and
 * KurrentDB (its read models, checkpoints included, in PostgreSQL or PGlite) when a server is
 * at EVENTSTORE_URL or Docker can start one.
 */
interface Subject {
  readonly store: EventStore<Queryable>;
  /** The read models' database. */
  readonly db: Database;
  close(): Promise<void>;
}

type Opener = () => Promise<Subject>;

function onDatabase(backend: 'postgres' | 'pglite'): Opener {
  return async () => {
    const t = await createTestDatabase(backend);
    const store = new PostgresEventStore(t.db);
    return { store, db: t.db, close: () => store.close().then(() => t.drop()) };
  };
}

function onKurrent(): Opener {
  return async () => {
    const server: KurrentServer = await startKurrent();
    const t: TestDatabase = await createTestDatabase(serverUrl() ? 'postgres' : 'pglite');
    const store = new KurrentEventStore(KurrentDBClient.connectionString(server.url), t.db, { disposeClient: true });
    return {
      store,
      db: t.db,
      close: async () => {
        await store.close();
        await t.drop();
        await server.stop();
      },
    };
  };
}

/**
 * The KurrentDB adapter on an in-memory double of its client: proves the adapter's own logic
 * (plans, claims, paging of $all) where no server runs; the server itself only the run above checks.
 */
function onKurrentDouble(): Opener {
  return async () => {
    const t = await createTestDatabase('pglite');
    const store = new KurrentEventStore(new KurrentClientDouble().asClient(), t.db);
    return { store, db: t.db, close: () => store.close().then(() => t.drop()) };
  };
}

const subjects: Array<[string, Opener]> = backends().map((backend) => [backend, onDatabase(backend)]);
subjects.push(['the kurrentdb adapter over an in-memory client double', onKurrentDouble()]);
if (kurrentSource()) subjects.push(['kurrentdb', onKurrent()]);
else skipLine('event store contract on kurrentdb', 'needs a KurrentDB server (set EVENTSTORE_URL, e.g. docker compose --profile eventstore up) or Docker for testcontainers');

function event(data: Record<string, unknown> = { url: '/' }, overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'PageViewed',
    version: 1,
    occurredAt: '2026-03-01T12:00:00.000Z',
    source: 'web',
    data,
    metadata: { correlationId: 'c-1' },
    ...overrides,
  };
}

const urlOf = (e: RecordedEvent): string => (e.data as { url: string }).url;
const positionOf = (r: PromiseSettledResult<AppendResult>): number | undefined => {
  const outcome = r.status === 'fulfilled' ? r.value.outcomes[0] : undefined;
  return outcome && outcome.status !== 'conflict' ? outcome.streamPosition : undefined;
};

describe.each(subjects)('event store contract on %s', (_name, open) => {
  let store: EventStore<Queryable>;
  let db: Database;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ store, db, close } = await open());
  }, 600_000);
  afterAll(async () => {
    await close?.();
  });

  describe('appends with expected versions', () => {
    it('assigns consecutive positions and reads the stream back with its owner and hashes', async () => {
      const stream = `customer-${randomUUID()}`;
      const first = await store.append(stream, [event({ url: '/a' }), event({ url: '/b' })], 'no_stream');
      const second = await store.append(stream, [event({ url: '/c' })], 2);
      expect(first.outcomes.map((o) => [o.status, 'streamPosition' in o && o.streamPosition])).toEqual([
        ['appended', 1],
        ['appended', 2],
      ]);
      expect(second.outcomes[0]).toMatchObject({ status: 'appended', streamPosition: 3 });
      const events = await store.readStream(stream);
      expect(events.map((e) => [e.streamPosition, urlOf(e)])).toEqual([
        [1, '/a'],
        [2, '/b'],
        [3, '/c'],
      ]);
      expect(events[0]).toMatchObject({ customerId: stream.slice('customer-'.length), type: 'PageViewed', metadata: { correlationId: 'c-1' } });
      expect(new Set(events.map((e) => e.hash)).size).toBe(3);
      expect(events.every((e) => /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);
    });

    it('refuses a wrong expected version with ConcurrencyError and writes nothing', async () => {
      const stream = `customer-${randomUUID()}`;
      await store.append(stream, [event()]);
      await expect(store.append(stream, [event()], 'no_stream')).rejects.toMatchObject({ type: 'concurrency', actual: 1 });
      await expect(store.append(stream, [event()], 5)).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(store.append(`customer-${randomUUID()}`, [event()], 1)).rejects.toMatchObject({ actual: 0 });
      expect(await store.readStream(stream)).toHaveLength(1);
    });

    it('lets exactly one of 16 concurrent appends at the same expected version win, and fails no other caller', async () => {
      const contested = `customer-${randomUUID()}`;
      await store.append(contested, [event()]);
      const bystanders = Array.from({ length: 16 }, () => `customer-${randomUUID()}`);
      const results = await Promise.allSettled([
        ...Array.from({ length: 16 }, () => store.append(contested, [event()], 1)),
        ...bystanders.map((stream) => store.append(stream, [event()], 'no_stream')),
      ]);
      const contestedResults = results.slice(0, 16);
      expect(contestedResults.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const loser of contestedResults.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
        expect(loser.reason).toBeInstanceOf(ConcurrencyError);
      }
      expect(results.slice(16).every((r) => r.status === 'fulfilled')).toBe(true);
      expect(await store.readStream(contested)).toHaveLength(2);
      for (const stream of bystanders) expect(await store.readStream(stream)).toHaveLength(1);
    });

    it('keeps the call order of one stream under many concurrent single-event callers', async () => {
      const stream = `customer-${randomUUID()}`;
      const events = Array.from({ length: 200 }, (_, i) => event({ url: `/${i}` }));
      const results = await Promise.allSettled(events.map((e) => store.append(stream, [e])));
      expect(results.map(positionOf)).toEqual(events.map((_, i) => i + 1));
      const stored = await store.readStream(stream);
      expect(stored.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
      await expect(store.verify(stream)).resolves.toEqual({ streamId: stream, ok: true, events: 200 });
    });

    it("applies the version checks of one caller's streams to all of them or none", async () => {
      const a = `customer-${randomUUID()}`;
      const b = `customer-${randomUUID()}`;
      await store.append(b, [event()]);
      await expect(
        store.appendMany([
          { streamId: a, events: [event()], expected: 'no_stream' },
          { streamId: b, events: [event()], expected: 'no_stream' },
        ]),
      ).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await store.readStream(a)).toEqual([]);
      expect(await store.readStream(b)).toHaveLength(1);
      const both = await store.appendMany([
        { streamId: a, events: [event()], expected: 'no_stream' },
        { streamId: b, events: [event()], expected: 1 },
      ]);
      expect(both.outcomes).toEqual([
        expect.objectContaining({ status: 'appended', streamId: a, streamPosition: 1 }),
        expect.objectContaining({ status: 'appended', streamId: b, streamPosition: 2 }),
      ]);
    });
  });

  describe('idempotency by event id, forever', () => {
    it('stores a retried batch once and returns the original positions, also when retried concurrently', async () => {
      const stream = `customer-${randomUUID()}`;
      const batch = [event({ url: '/1' }), event({ url: '/2' }), event({ url: '/3' })];
      const first = await store.append(stream, batch, 'no_stream');
      const again = await store.append(stream, batch, 'no_stream');
      const concurrent = await Promise.all([store.append(stream, batch), store.append(stream, batch)]);
      expect(again.outcomes).toEqual(first.outcomes.map((o) => ({ ...o, status: 'duplicate' })));
      for (const result of concurrent) expect(result.outcomes).toEqual(first.outcomes.map((o) => ({ ...o, status: 'duplicate' })));
      expect(await store.readStream(stream)).toHaveLength(3);
    });

    it('appends the new events of a partly retried batch after the stored ones', async () => {
      const stream = `customer-${randomUUID()}`;
      const stored = [event(), event()];
      await store.append(stream, stored);
      const result = await store.append(stream, [...stored, event()]);
      expect(result.outcomes.map((o) => o.status)).toEqual(['duplicate', 'duplicate', 'appended']);
      expect(result.outcomes[2]).toMatchObject({ streamPosition: 3 });
    });

    it('reports a reused id with other content as a conflict of that event only', async () => {
      const stream = `customer-${randomUUID()}`;
      const original = event({ url: '/original' });
      await store.append(stream, [original]);
      const impostor = { ...original, data: { url: '/changed' } };
      const result = await store.append(stream, [event({ url: '/before' }), impostor, event({ url: '/after' })]);
      expect(result.outcomes.map((o) => o.status)).toEqual(['appended', 'conflict', 'appended']);
      expect(result.outcomes[1]).toMatchObject({ eventId: original.eventId, reason: expect.stringContaining('already used') });
      expect((await store.readStream(stream)).map(urlOf)).toEqual(['/original', '/before', '/after']);
    });

    it('treats the same id twice in one call as one event', async () => {
      const stream = `customer-${randomUUID()}`;
      const once = event();
      const result = await store.append(stream, [once, once, { ...once, data: { url: '/other' } }]);
      expect(result.outcomes.map((o) => o.status)).toEqual(['appended', 'duplicate', 'conflict']);
      expect(await store.readStream(stream)).toHaveLength(1);
    });

    it('holds an id across streams: the same event sent to another stream is a conflict naming where it is', async () => {
      const home = `customer-${randomUUID()}`;
      const elsewhere = `customer-${randomUUID()}`;
      const original = event({ url: '/home' });
      await store.append(home, [original]);
      const moved = await store.append(elsewhere, [original, event({ url: '/new' })]);
      expect(moved.outcomes[0]).toMatchObject({ status: 'conflict', eventId: original.eventId, streamId: home });
      expect(moved.outcomes[1]).toMatchObject({ status: 'appended', streamId: elsewhere, streamPosition: 1 });
      expect((await store.readStream(elsewhere)).map(urlOf)).toEqual(['/new']);
      const split = await store.appendMany([
        { streamId: `customer-${randomUUID()}`, events: [original] },
        { streamId: home, events: [original] },
      ]);
      expect(split.outcomes.map((o) => o.status)).toEqual(['conflict', 'duplicate']);
    });

    it('takes a retry whose first attempt was stored as a success, not a version conflict', async () => {
      const stream = `customer-${randomUUID()}`;
      const batch = [event(), event()];
      await store.append(stream, batch, 'no_stream');
      await store.append(stream, [event()], 2);
      const retried = await store.append(stream, batch, 'no_stream');
      expect(retried.outcomes.map((o) => [o.status, 'streamPosition' in o && o.streamPosition])).toEqual([
        ['duplicate', 1],
        ['duplicate', 2],
      ]);
    });
  });

  describe('reads of a stream', () => {
    it('reads a window, newest first with a limit, and what was recorded until an instant', async () => {
      const stream = `customer-${randomUUID()}`;
      await store.append(stream, [event({ url: '/1' }), event({ url: '/2' }), event({ url: '/3' })]);
      const cut = new Date();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await store.append(stream, [event({ url: '/4' }), event({ url: '/5' })]);
      const positions = async (options: Parameters<EventStore['readStream']>[1]) => (await store.readStream(stream, options)).map((e) => e.streamPosition);
      expect(await positions({ fromVersion: 2, toVersion: 3 })).toEqual([2, 3]);
      expect(await positions({ fromVersion: 4 })).toEqual([4, 5]);
      expect(await positions({ limit: 2 })).toEqual([1, 2]);
      expect(await positions({ backward: true, limit: 2 })).toEqual([5, 4]);
      expect(await positions({ backward: true, toVersion: 3, limit: 2 })).toEqual([3, 2]);
      expect(await positions({ backward: true, fromVersion: 4 })).toEqual([5, 4]);
      expect(await positions({ until: cut })).toEqual([1, 2, 3]);
      expect(await positions({ until: cut, backward: true, limit: 1 })).toEqual([3]);
      expect(await store.readStream(`customer-${randomUUID()}`)).toEqual([]);
    });

    it('reads the latest events of several streams at once, newest first', async () => {
      const [customer, visitor] = [`customer-${randomUUID()}`, `visitor-${randomUUID()}`];
      const at = (minute: number) => ({ occurredAt: `2026-03-01T12:${String(minute).padStart(2, '0')}:00.000Z` });
      await store.append(visitor, [1, 4, 6].map((m) => event({ url: `/v${m}` }, at(m))));
      await store.append(customer, [2, 3, 5, 7].map((m) => event({ url: `/c${m}` }, at(m))));
      const recent = await store.readRecent([customer, visitor, `customer-${randomUUID()}`], 3);
      expect(recent.map(urlOf)).toEqual(['/c7', '/v6', '/c5']);
      expect(recent[0]).toMatchObject({ streamId: customer, streamPosition: 4 });
      expect(await store.readRecent([], 3)).toEqual([]);
    });
  });

  describe('the global order', () => {
    it('pages through it in (commit, position) order with the cursor each page returns', async () => {
      const start = await store.lastCommitted();
      const stream = `customer-${randomUUID()}`;
      await store.append(stream, Array.from({ length: 12 }, () => event()));
      await store.append(stream, Array.from({ length: 13 }, () => event()));
      const collected: RecordedEvent[] = [];
      let cursor: GlobalCursor = start;
      await until(
        async () => {
          const page = await store.readAll(cursor, 7);
          expect(page.events.length).toBeLessThanOrEqual(7);
          collected.push(...page.events);
          cursor = page.next;
          return collected.filter((e) => e.streamId === stream).length === 25 ? true : undefined;
        },
        120_000,
        'the 25 events in the global order',
      );
      const mine = collected.filter((e) => e.streamId === stream);
      expect(mine.map((e) => e.streamPosition)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      const cursors = collected.map(cursorOf);
      expect(cursors.every((c, i) => i === 0 || isBefore(cursors[i - 1]!, c))).toBe(true);
      expect(isBefore(start, cursors[0]!)).toBe(true);
      expect(await store.lastCommitted()).toEqual(cursorOf(mine[24]!));
    });
  });

  describe('subscriptions', () => {
    beforeAll(async () => {
      await db.exec(`CREATE TABLE IF NOT EXISTS public.contract_seen (
        seq bigserial PRIMARY KEY, subscription text NOT NULL, event_id uuid NOT NULL, stream_id text NOT NULL,
        stream_position bigint NOT NULL, commit_at numeric NOT NULL, position_at numeric NOT NULL)`);
    });

    async function seen(name: string, streams: readonly string[]) {
      const { rows } = await db.query<{ event_id: string; stream_id: string; stream_position: number; commit_at: string; position_at: string }>(
        'SELECT event_id, stream_id, stream_position, commit_at::text, position_at::text FROM public.contract_seen WHERE subscription = $1 AND stream_id = ANY($2::text[]) ORDER BY seq',
        [name, streams],
      );
      return rows;
    }

    it("delivers every event once and in order, writing in the batch's unit, and delivers a failed batch again", async () => {
      const name = `seen-${randomUUID()}`;
      let failures = 0;
      const subscription = store.subscribe(
        name,
        async (events, unit) => {
          for (const e of events) {
            await unit.state.query(
              'INSERT INTO public.contract_seen (subscription, event_id, stream_id, stream_position, commit_at, position_at) VALUES ($1, $2, $3, $4, $5, $6)',
              [name, e.eventId, e.streamId, e.streamPosition, String(e.commit), String(e.globalPosition)],
            );
          }
          // A failure after the handler's writes: they roll back, and the batch comes again.
          if (failures === 0 && events.length > 3) {
            failures++;
            throw new Error('crash in the middle of a batch');
          }
        },
        { batchSize: 50, pollIntervalMs: 50 },
      );
      const streams = Array.from({ length: 10 }, () => `customer-${randomUUID()}`);
      await Promise.all(streams.map((stream) => store.append(stream, Array.from({ length: 20 }, (_, i) => event({ url: `/${i}` })))));
      await subscription.caughtUp();
      await subscription.stop();

      const rows = await seen(name, streams);
      expect(rows).toHaveLength(200);
      expect(new Set(rows.map((r) => r.event_id)).size).toBe(200);
      expect(failures).toBe(1);
      for (const stream of streams) {
        expect(rows.filter((r) => r.stream_id === stream).map((r) => Number(r.stream_position))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      }
      const order = rows.map((r) => ({ commit: BigInt(r.commit_at), position: BigInt(r.position_at) }));
      const ascending = order.every((c, i) => i === 0 || order[i - 1]!.commit < c.commit || (order[i - 1]!.commit === c.commit && order[i - 1]!.position < c.position));
      expect(ascending).toBe(true);
    });

    it('resumes from its durable checkpoint after a restart, which checkpointsReached then reports', async () => {
      const name = `resume-${randomUUID()}`;
      const stream = `customer-${randomUUID()}`;
      const delivered: number[] = [];
      const handler = async (events: readonly RecordedEvent[]) => void delivered.push(...events.filter((e) => e.streamId === stream).map((e) => e.streamPosition));
      const first = store.subscribe(name, handler, { pollIntervalMs: 20 });
      await store.append(stream, [event(), event()]);
      await first.caughtUp();
      await first.stop();
      await store.append(stream, [event()]);
      const last = await store.lastCommitted();
      expect(await store.checkpointsReached([name], last)).toBe(false);
      const second = store.subscribe(name, handler, { pollIntervalMs: 20 });
      await second.caughtUp();
      await second.stop();
      expect(delivered).toEqual([1, 2, 3]);
      expect(await store.checkpointsReached([name], last)).toBe(true);
      expect(second.position).toEqual(last);
    });
  });

  describe('units of work', () => {
    it("rolls back the unit's state when it throws, and a rerun stores the events it recorded for after its commit once", async () => {
      await db.exec('CREATE TABLE IF NOT EXISTS public.contract_unit (id text PRIMARY KEY)');
      const stream = `customer-${randomUUID()}`;
      const key = randomUUID();
      const derived = event({ url: '/derived' }, { eventId: derivedEventId('contract', key) });
      const run = (fail: boolean): Promise<void> =>
        store.unitOfWork(async (unit) => {
          await unit.state.query('INSERT INTO public.contract_unit (id) VALUES ($1)', [key]);
          await unit.appendAfterCommit([{ streamId: stream, events: [derived] }]);
          if (fail) throw new Error('fails after its writes');
        });
      await expect(run(true)).rejects.toThrow('fails after its writes');
      expect((await db.query('SELECT id FROM public.contract_unit WHERE id = $1', [key])).rows).toEqual([]);

      await run(false);
      expect((await store.readStream(stream)).map((e) => e.eventId)).toEqual([derived.eventId]);
      expect((await db.query('SELECT id FROM public.contract_unit WHERE id = $1', [key])).rows).toEqual([{ id: key }]);
    });
  });

  describe('tamper evidence', () => {
    it('verifies an untouched stream, whatever its data', async () => {
      const stream = `customer-${randomUUID()}`;
      await store.append(stream, [event({ n: 1.5, nested: { b: 1, a: [1, 'x', null] }, '10': 'index-like key', é: 'ü' }), event()]);
      await store.append(stream, [event()], 2);
      await expect(store.verify(stream)).resolves.toEqual({ streamId: stream, ok: true, events: 3 });
      await expect(store.verify(`customer-${randomUUID()}`)).resolves.toEqual(expect.objectContaining({ ok: true, events: 0 }));
    });
  });
});
