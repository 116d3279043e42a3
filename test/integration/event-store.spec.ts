import { randomUUID } from 'node:crypto';
import { AppendRejectedError, ConcurrencyError, StoreUnavailableError, type AppendResult, type NewEvent } from '@journey/event-store';
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

/** What only the PostgreSQL adapter does; what every adapter does is in event-store-contract.spec.ts. */
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
    it("judges a caller's expected version again when the batch it shared is planned again: a retry found stored beside it", async () => {
      const stream = `customer-${randomUUID()}`;
      const a = event();
      await store.append(stream, [a], 'no_stream');
      // One turn, one batch: a client's retry of an append that committed, and a caller expecting version 1, which it is.
      const [retry, expecting] = await Promise.allSettled([store.append(stream, [a], 'any'), store.append(stream, [event()], 1)]);
      expect(retry).toMatchObject({ status: 'fulfilled', value: { outcomes: [{ status: 'duplicate', streamPosition: 1 }] } });
      expect(expecting.status === 'rejected' ? String(expecting.reason) : expecting.value.outcomes).toEqual([expect.objectContaining({ status: 'appended', streamPosition: 2 })]);
    });

    it("judges a caller's expected version again when the batch it shared is planned again: another caller's data refused beside it", async () => {
      const stream = `customer-${randomUUID()}`;
      await store.append(stream, [event()], 'no_stream');
      // A version of 2^31 overflows its integer column: PostgreSQL refuses the data.
      const [bad, expecting] = await Promise.allSettled([store.append(stream, [event({ url: '/' }, { version: 2 ** 31 })], 'any'), store.append(stream, [event()], 1)]);
      expect(bad).toMatchObject({ status: 'rejected', reason: { name: 'AppendRejectedError' } });
      expect(expecting.status === 'rejected' ? String(expecting.reason) : expecting.value.outcomes).toEqual([expect.objectContaining({ status: 'appended', streamPosition: 2 })]);
      expect(await store.readStream(stream)).toHaveLength(2);
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

  });

  describe('tamper evidence', () => {
    async function tamper(sql: string, params: unknown[]): Promise<void> {
      await t.db.transaction(async (tx) => {
        await tx.query('ALTER TABLE journey.events DISABLE TRIGGER events_append_only');
        await tx.query(sql, params);
        await tx.query('ALTER TABLE journey.events ENABLE TRIGGER events_append_only');
      });
    }

    it("names the stream and position after an SQL UPDATE of one event's data", async () => {
      const stream = `customer-${randomUUID()}`;
      await store.append(stream, [event({ total: 100 }), event({ total: 200 }), event({ total: 300 })]);
      await tamper(`UPDATE journey.events SET data = '{"total": 1}' WHERE stream_id = $1 AND stream_position = 2`, [stream]);
      await expect(store.verify(stream)).resolves.toMatchObject({ streamId: stream, ok: false, brokenAt: 2 });
    });

    it('names the position of an occurred_at or recorded_at moved by less than a millisecond', async () => {
      const [occurred, recorded] = [`customer-${randomUUID()}`, `customer-${randomUUID()}`];
      await store.append(occurred, [event(), event()]);
      await store.append(recorded, [event(), event()]);
      await tamper(`UPDATE journey.events SET occurred_at = occurred_at + interval '900 microseconds' WHERE stream_id = $1 AND stream_position = 2`, [occurred]);
      await tamper(`UPDATE journey.events SET recorded_at = recorded_at - interval '1 microsecond' WHERE stream_id = $1 AND stream_position = 1`, [recorded]);
      const { rows } = await t.db.query<{ occurred: string }>('SELECT occurred_at::text AS occurred FROM journey.events WHERE stream_id = $1 AND stream_position = 2', [occurred]);
      expect(rows[0]!.occurred).toMatch(/\.0009\+/);
      await expect(store.verify(occurred)).resolves.toMatchObject({ ok: false, brokenAt: 2 });
      await expect(store.verify(recorded)).resolves.toMatchObject({ ok: false, brokenAt: 1 });
    });

    it("reports in the whole log's check a stream whose row in journey.streams was deleted", async () => {
      const stream = `customer-${randomUUID()}`;
      await store.append(stream, [event(), event()]);
      await t.db.query('DELETE FROM journey.streams WHERE stream_id = $1', [stream]);
      await expect(store.verify(stream)).resolves.toMatchObject({ ok: false });
      expect((await store.verifyAll()).broken.map((broken) => broken.streamId)).toContain(stream);
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
