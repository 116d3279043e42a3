import { randomUUID } from 'node:crypto';
import { AppendRejectedError, ConcurrencyError, START_CURSOR, StoreUnavailableError, type AppendResult, type NewEvent, type RecordedEvent } from '@journey/event-store';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { PgDatabase } from '@journey/database';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';

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

describe.each(backends())('event store on %s', (backend) => {
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

  describe('append and read', () => {
    it('assigns consecutive positions and reads the stream back with hashes', async () => {
      const stream = `customer-${randomUUID()}`;
      const first = await store.append(stream, [event({ url: '/a' }), event({ url: '/b' })], 'no_stream');
      const second = await store.append(stream, [event({ url: '/c' })], 2);
      expect(first.outcomes.map((o) => [o.status, 'streamPosition' in o && o.streamPosition])).toEqual([
        ['appended', 1],
        ['appended', 2],
      ]);
      expect(second.outcomes[0]).toMatchObject({ status: 'appended', streamPosition: 3 });

      const events = await store.readStream(stream);
      expect(events.map((e) => [e.streamPosition, (e.data as { url: string }).url])).toEqual([
        [1, '/a'],
        [2, '/b'],
        [3, '/c'],
      ]);
      expect(events[0]).toMatchObject({ customerId: stream.slice('customer-'.length), type: 'PageViewed', metadata: { correlationId: 'c-1' } });
      expect(new Set(events.map((e) => e.hash)).size).toBe(3);
      expect(events.every((e) => /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);
    });

    it('reads a window of a stream, and what was recorded until an instant', async () => {
      const stream = `customer-${randomUUID()}`;
      await store.append(stream, [event(), event(), event()]);
      const cut = new Date();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await store.append(stream, [event()]);
      expect((await store.readStream(stream, { fromVersion: 2, toVersion: 3 })).map((e) => e.streamPosition)).toEqual([2, 3]);
      expect((await store.readStream(stream, { until: cut })).map((e) => e.streamPosition)).toEqual([1, 2, 3]);
      expect(await store.readStream(`customer-${randomUUID()}`)).toEqual([]);
    });

    it('reads the latest events of several streams at once, newest first', async () => {
      const [customer, visitor] = [`customer-${randomUUID()}`, `visitor-${randomUUID()}`];
      const at = (minute: number) => ({ occurredAt: `2026-03-01T12:${String(minute).padStart(2, '0')}:00.000Z` });
      const visits = [1, 4, 6].map((m) => event({ url: `/v${m}` }, at(m)));
      const purchases = [2, 3, 5, 7].map((m) => event({ url: `/c${m}` }, at(m)));
      await store.append(visitor, visits);
      await store.append(customer, purchases);
      const recent = await store.readRecent([customer, visitor, `customer-${randomUUID()}`], 3);
      expect(recent.map((e) => (e.data as { url: string }).url)).toEqual(['/c7', '/v6', '/c5']);
      expect(recent[0]).toMatchObject({ streamId: customer, streamPosition: 4 });
      expect(await store.readRecent([], 3)).toEqual([]);
    });

    it('refuses a wrong expected version with ConcurrencyError and writes nothing', async () => {
      const stream = `customer-${randomUUID()}`;
      await store.append(stream, [event()]);
      await expect(store.append(stream, [event()], 'no_stream')).rejects.toMatchObject({ type: 'concurrency', actual: 1 });
      await expect(store.append(stream, [event()], 5)).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(store.append(`customer-${randomUUID()}`, [event()], 1)).rejects.toMatchObject({ actual: 0 });
      expect(await store.readStream(stream)).toHaveLength(1);
    });

    it('applies the version checks of one caller to all its streams or none', async () => {
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
    });

    it('leaves no trace of a refused caller in the batch it shared with others on the same streams', async () => {
      const a = `customer-${randomUUID()}`;
      const b = `customer-${randomUUID()}`;
      const taken = `customer-${randomUUID()}`;
      await store.append(taken, [event()]);
      // Submitted in one turn, so the four callers share one batch: the refused one had planned
      // positions on a (after the first caller's) and on b before its check on `taken` failed.
      const [first, refused, second, third] = await Promise.allSettled([
        store.append(a, [event()]),
        store.appendMany([
          { streamId: a, events: [event(), event()] },
          { streamId: b, events: [event()] },
          { streamId: taken, events: [event()], expected: 'no_stream' },
        ]),
        store.append(a, [event()]),
        store.append(b, [event()]),
      ]);
      expect(refused.status).toBe('rejected');
      expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
      const positions = [first, second, third].map((r) => {
        const outcome = (r as PromiseFulfilledResult<AppendResult>).value.outcomes[0]!;
        return outcome.status === 'appended' ? outcome.streamPosition : undefined;
      });
      expect(positions).toEqual([1, 2, 1]);
      expect((await store.readStream(a)).map((e) => e.streamPosition)).toEqual([1, 2]);
      expect(await store.readStream(b)).toHaveLength(1);
      expect((await store.verify(a)).ok).toBe(true);
      expect((await store.verify(b)).ok).toBe(true);
      expect(await store.append(a, [event()], 2)).toMatchObject({ outcomes: [{ status: 'appended', streamPosition: 3 }] });
    });

    it('refuses to update or delete a stored event', async () => {
      const stream = `customer-${randomUUID()}`;
      await store.append(stream, [event()]);
      await expect(t.db.query(`UPDATE journey.events SET type = 'X' WHERE stream_id = $1`, [stream])).rejects.toThrow(/append-only/);
      await expect(t.db.query(`DELETE FROM journey.events WHERE stream_id = $1`, [stream])).rejects.toThrow(/append-only/);
    });
  });

  describe('concurrency', () => {
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
      const losers = contestedResults.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(losers).toHaveLength(15);
      for (const loser of losers) expect(loser.reason).toBeInstanceOf(ConcurrencyError);
      expect(results.slice(16).every((r) => r.status === 'fulfilled')).toBe(true);
      expect(await store.readStream(contested)).toHaveLength(2);
      for (const stream of bystanders) expect(await store.readStream(stream)).toHaveLength(1);
    });

    it('keeps the append order of one stream under many concurrent single-event callers', async () => {
      const stream = `customer-${randomUUID()}`;
      const events = Array.from({ length: 200 }, (_, i) => event({ url: `/${i}` }));
      await Promise.all(events.map((e) => store.append(stream, [e])));
      const stored = await store.readStream(stream);
      expect(stored.map((e) => e.streamPosition)).toEqual(events.map((_, i) => i + 1));
      expect(stored.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
      expect((await store.verify(stream)).ok).toBe(true);
    });

    it("isolates one caller's data that PostgreSQL refuses, without failing the others", async () => {
      const streams = Array.from({ length: 6 }, () => `customer-${randomUUID()}`);
      const results = await Promise.allSettled(
        streams.map((stream, i) => store.append(stream, [event(i === 2 ? { url: 'nul\u0000byte' } : { url: '/ok' })])),
      );
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
      expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(AppendRejectedError);
      expect(await store.readStream(streams[2]!)).toEqual([]);
      expect(await store.readStream(streams[3]!)).toHaveLength(1);
    });
  });

  describe('idempotency', () => {
    it('creates no duplicates when a batch is retried, and returns the original positions', async () => {
      const stream = `customer-${randomUUID()}`;
      const batch = [event({ url: '/1' }), event({ url: '/2' }), event({ url: '/3' })];
      const first = await store.append(stream, batch, 'no_stream');
      const again = await store.append(stream, batch, 'no_stream');
      const concurrent = await Promise.all([store.append(stream, batch), store.append(stream, batch)]);
      expect(again.outcomes).toEqual(first.outcomes.map((o) => ({ ...o, status: 'duplicate' })));
      for (const result of concurrent) expect(result.outcomes.map((o) => o.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
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
      const urls = (await store.readStream(stream)).map((e) => (e.data as { url: string }).url);
      expect(urls).toEqual(['/original', '/before', '/after']);
    });

    it('treats the same id twice in one batch as one event', async () => {
      const stream = `customer-${randomUUID()}`;
      const once = event();
      const result = await store.append(stream, [once, once, { ...once, data: { url: '/other' } }]);
      expect(result.outcomes.map((o) => o.status)).toEqual(['appended', 'duplicate', 'conflict']);
      expect(await store.readStream(stream)).toHaveLength(1);
    });

    it('corrects the heads another writer moved, and finds its ids when a batch is retried through it', async () => {
      // A second store on the same database remembers heads of its own, as another process does.
      const other = new PostgresEventStore(t.db);
      try {
        const streams = Array.from({ length: 3 }, () => `customer-${randomUUID()}`);
        for (const stream of streams) await store.append(stream, [event({ url: '/mine' })]);
        for (const stream of streams) await other.append(stream, [event({ url: '/theirs' })], 'any');
        const mine = await Promise.all(streams.map((stream) => store.append(stream, [event({ url: '/mine-again' })], 'any')));
        expect(mine.map((r) => r.outcomes[0])).toEqual(streams.map((streamId) => expect.objectContaining({ status: 'appended', streamId, streamPosition: 3 })));

        const batch = [event({ url: '/a' }), event({ url: '/b' })];
        const first = await store.append(streams[0]!, batch);
        const [retried, fresh] = await Promise.all([other.append(streams[0]!, batch), other.append(streams[1]!, [event({ url: '/c' })])]);
        expect(retried.outcomes).toEqual(first.outcomes.map((o) => ({ ...o, status: 'duplicate' })));
        expect(fresh.outcomes[0]).toMatchObject({ status: 'appended', streamPosition: 4 });
        await expect(other.append(streams[2]!, [event()], 2)).rejects.toMatchObject({ type: 'concurrency', actual: 3 });
        for (const stream of streams) await expect(store.verify(stream)).resolves.toMatchObject({ ok: true });
        expect((await store.readStream(streams[0]!)).map((e) => (e.data as { url: string }).url)).toEqual(['/mine', '/theirs', '/mine-again', '/a', '/b']);
      } finally {
        await other.close();
      }
    });

    it('takes a retry whose first attempt committed as a success, not a version conflict', async () => {
      const stream = `customer-${randomUUID()}`;
      const batch = [event(), event()];
      await store.append(stream, batch, 'no_stream');
      const retried = await store.append(stream, batch, 'no_stream');
      expect(retried.outcomes.map((o) => o.status)).toEqual(['duplicate', 'duplicate']);
    });
  });

  describe('tamper evidence', () => {
    async function tamper(sql: string, params: unknown[]): Promise<void> {
      await t.db.transaction(async (tx) => {
        await tx.query('ALTER TABLE journey.events DISABLE TRIGGER events_append_only');
        await tx.query(sql, params);
        await tx.query('ALTER TABLE journey.events ENABLE TRIGGER events_append_only');
      });
    }

    it('verifies an untouched stream', async () => {
      const stream = `customer-${randomUUID()}`;
      await store.append(stream, [event({ n: 1.5, nested: { b: 1, a: [1, 'x', null] } }), event()]);
      await store.append(stream, [event()]);
      await expect(store.verify(stream)).resolves.toEqual({ streamId: stream, ok: true, events: 3 });
    });

    it("names the stream and position after an SQL UPDATE of one event's data", async () => {
      const stream = `customer-${randomUUID()}`;
      await store.append(stream, [event({ total: 100 }), event({ total: 200 }), event({ total: 300 })]);
      await tamper(`UPDATE journey.events SET data = '{"total": 1}' WHERE stream_id = $1 AND stream_position = 2`, [stream]);
      await expect(store.verify(stream)).resolves.toMatchObject({ streamId: stream, ok: false, brokenAt: 2 });
    });

    it('notices a deleted event, in the middle or at the end', async () => {
      const middle = `customer-${randomUUID()}`;
      const tail = `customer-${randomUUID()}`;
      await store.append(middle, [event(), event(), event()]);
      await store.append(tail, [event(), event(), event()]);
      await tamper('DELETE FROM journey.events WHERE stream_id = $1 AND stream_position = 2', [middle]);
      await tamper('DELETE FROM journey.events WHERE stream_id = $1 AND stream_position = 3', [tail]);
      await expect(store.verify(middle)).resolves.toMatchObject({ ok: false, brokenAt: 2 });
      await expect(store.verify(tail)).resolves.toMatchObject({ ok: false, brokenAt: 3 });
    });
  });

  describe('global order and subscriptions', () => {
    it('delivers every event once, in order, to a subscriber whose handler writes in the same transaction', async () => {
      await t.db.exec('CREATE TABLE IF NOT EXISTS public.seen (event_id uuid PRIMARY KEY, global_position bigint NOT NULL)');
      const name = `seen-${randomUUID()}`;
      let failOnce = true;
      const subscription = store.subscribe(
        name,
        async (events, unit) => {
          await unit.state.query('INSERT INTO public.seen (event_id, global_position) SELECT * FROM unnest($1::uuid[], $2::bigint[])', [
            events.map((e) => e.eventId),
            events.map((e) => e.globalPosition),
          ]);
          // A failure after the handler's writes: the batch must roll back and come again.
          if (failOnce && events.length > 3) {
            failOnce = false;
            throw new Error('crash in the middle of a batch');
          }
        },
        { batchSize: 50, pollIntervalMs: 50 },
      );
      const streams = Array.from({ length: 10 }, () => `customer-${randomUUID()}`);
      await Promise.all(streams.map((stream) => store.append(stream, Array.from({ length: 20 }, () => event()))));
      await subscription.caughtUp();
      await subscription.stop();
      const { rows } = await t.db.query<{ n: number; distinct_ids: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT s.event_id)::int AS distinct_ids
         FROM public.seen s JOIN journey.events e USING (event_id) WHERE e.stream_id = ANY($1::text[])`,
        [streams],
      );
      expect(rows[0]).toEqual({ n: 200, distinct_ids: 200 });
      expect(failOnce).toBe(false);
    });

    it('resumes from its durable checkpoint', async () => {
      const name = `resume-${randomUUID()}`;
      const stream = `customer-${randomUUID()}`;
      const seen: RecordedEvent[] = [];
      const first = store.subscribe(name, async (events) => void seen.push(...events.filter((e) => e.streamId === stream)), {
        pollIntervalMs: 20,
      });
      await store.append(stream, [event(), event()]);
      await first.caughtUp();
      await first.stop();
      await store.append(stream, [event()]);
      const second = store.subscribe(name, async (events) => void seen.push(...events.filter((e) => e.streamId === stream)), {
        pollIntervalMs: 20,
      });
      await second.caughtUp();
      await second.stop();
      expect(seen.map((e) => e.streamPosition)).toEqual([1, 2, 3]);
    });

    it('pages through the global order with a (commit, position) cursor', async () => {
      const stream = `customer-${randomUUID()}`;
      await store.append(stream, Array.from({ length: 25 }, () => event()));
      const collected: RecordedEvent[] = [];
      let cursor = START_CURSOR;
      for (;;) {
        const page = await store.readAll(cursor, 7);
        if (page.events.length === 0) break;
        collected.push(...page.events);
        cursor = page.next;
      }
      const mine = collected.filter((e) => e.streamId === stream);
      expect(mine.map((e) => e.streamPosition)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      const keys = collected.map((e) => [e.commit, e.globalPosition]);
      const sorted = [...keys].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
      expect(keys).toEqual(sorted);
    });
  });
});

describe('event store without a database', () => {
  it('reports StoreUnavailableError when PostgreSQL cannot be reached, acknowledging nothing', async () => {
    const db = new PgDatabase({ url: 'postgres://postgres@127.0.0.1:1/none', connectTimeoutMs: 500 });
    const store = new PostgresEventStore(db);
    await expect(store.append('customer-x', [event()])).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.readStream('customer-x')).rejects.toBeInstanceOf(StoreUnavailableError);
    await store.close();
    await db.close();
  });
});
