import { randomUUID } from 'node:crypto';
import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { PgliteDatabase } from '@journey/database';
import { AppendRejectedError, StoreUnavailableError } from '../errors';
import type { NewEvent } from '../event-store.port';
import { START_CURSOR } from '../event-store.port';
import { CLAIM_TYPE, claimStreamOf } from './id-claims';
import { KurrentClientDouble } from './kurrent-client.double';
import { KurrentEventStore } from './kurrent-event-store';

function event(url: string): NewEvent {
  return { eventId: randomUUID(), type: 'PageViewed', version: 1, occurredAt: '2026-03-01T12:00:00.000Z', source: 'web', data: { url }, metadata: {} };
}

/** What only the KurrentDB adapter does, over a double of its client; the port's contract is in test/integration. */
describe('the KurrentDB adapter', () => {
  let db: PgliteDatabase;
  let kurrent: KurrentClientDouble;
  let store: KurrentEventStore;

  beforeAll(async () => {
    db = await PgliteDatabase.open();
  });
  afterAll(() => db.close());
  beforeEach(() => {
    kurrent = new KurrentClientDouble();
    store = new KurrentEventStore(kurrent.asClient(), db);
  });
  afterEach(() => store.close());

  it('claims each new event id in the same append as the event, and never hands out claims or system events', async () => {
    const stream = `customer-${randomUUID()}`;
    const events = [event('/a'), event('/b')];
    await store.append(stream, events);
    expect(kurrent.appendCalls).toBe(1);
    expect(kurrent.log.map((record) => [record.streamId, record.type])).toEqual([
      ['$settings', '$settings'],
      [claimStreamOf(events[0]!.eventId), CLAIM_TYPE],
      [claimStreamOf(events[1]!.eventId), CLAIM_TYPE],
      [stream, 'PageViewed'],
      [stream, 'PageViewed'],
    ]);
    const all = await store.readAll(START_CURSOR, 10);
    expect(all.events.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
    expect(await store.lastCommitted()).toEqual(all.next);
    expect(all.next).toEqual({ commit: 1400, position: 1400 });
  });

  it('pages $all past stretches of claims without stalling or skipping', async () => {
    const stream = `customer-${randomUUID()}`;
    for (let i = 0; i < 3; i++) await store.append(stream, [event(`/${i}`), event(`/${i}b`)]);
    const urls: string[] = [];
    let cursor = START_CURSOR;
    for (let page = await store.readAll(cursor, 1); page.events.length > 0; page = await store.readAll(cursor, 1)) {
      urls.push(...page.events.map((e) => (e.data as { url: string }).url));
      cursor = page.next;
    }
    expect(urls).toEqual(['/0', '/0b', '/1', '/1b', '/2', '/2b']);
    expect((await store.readAll(cursor, 5)).next).toEqual(cursor);
  });

  it('sends one append for a stream whose head it knows, and plans again when another process moved it', async () => {
    const other = new KurrentEventStore(kurrent.asClient(), db);
    const stream = `customer-${randomUUID()}`;
    await store.append(stream, [event('/mine')]);
    await other.append(stream, [event('/theirs')]);
    const before = kurrent.appendCalls;
    const mine = await store.append(stream, [event('/mine-again')]);
    expect(mine.outcomes[0]).toMatchObject({ status: 'appended', streamPosition: 3 });
    expect(kurrent.appendCalls - before).toBe(2);
    const next = await store.append(stream, [event('/once')]);
    expect(next.outcomes[0]).toMatchObject({ status: 'appended', streamPosition: 4 });
    expect(kurrent.appendCalls - before).toBe(3);

    const batch = [event('/x'), event('/y')];
    const first = await store.append(stream, batch);
    const retried = await other.append(stream, batch);
    expect(retried.outcomes).toEqual(first.outcomes.map((o) => ({ ...o, status: 'duplicate' })));
    await expect(other.append(stream, [event('/late')], 4)).rejects.toMatchObject({ type: 'concurrency', actual: 6 });
    await expect(store.verify(stream)).resolves.toEqual({ streamId: stream, ok: true, events: 6 });
    await other.close();
  });

  it('refuses, before sending, one call naming streams that differ only in letter case, which KurrentDB appends in separate calls', async () => {
    const id = randomUUID();
    const upper = `customer-${id.toUpperCase()}`;
    const lower = `customer-${id}`;
    const call = store.appendMany([
      { streamId: upper, events: [event('/upper')] },
      { streamId: lower, events: [event('/lower')] },
    ]);
    await expect(call).rejects.toBeInstanceOf(AppendRejectedError);
    await expect(call).rejects.toThrow(`streams ${upper} and ${lower} differ only in letter case`);
    expect(kurrent.appendCalls).toBe(0);

    await store.append(upper, [event('/upper')]);
    await store.append(lower, [event('/lower')]);
    expect((await store.readStream(upper)).map((e) => e.data)).toEqual([{ url: '/upper' }]);
    expect((await store.readStream(lower)).map((e) => e.data)).toEqual([{ url: '/lower' }]);
  });

  it('refuses streams named like its event-id claims', async () => {
    await expect(store.append(claimStreamOf(randomUUID()), [event('/')])).rejects.toBeInstanceOf(AppendRejectedError);
    expect(kurrent.appendCalls).toBe(0);
  });

  describe('a retried event reaching a process whose remembered head is behind it', () => {
    // Two engine processes on one KurrentDB, each with its own clock: their hashes differ.
    let a: KurrentEventStore;
    let b: KurrentEventStore;
    beforeEach(() => {
      a = new KurrentEventStore(kurrent.asClient(), db, { clock: () => new Date('2026-03-01T12:00:01.000Z') });
      b = new KurrentEventStore(kurrent.asClient(), db, { clock: () => new Date('2026-03-01T12:00:02.000Z') });
    });
    afterEach(async () => {
      await a.close();
      await b.close();
    });

    it('is a duplicate at its original position, and the process then chains its next event from the stored hash', async () => {
      const stream = `customer-${randomUUID()}`;
      await b.append(stream, [event('/first')]); // b remembers the head at 1
      const x = event('/x');
      expect((await a.append(stream, [x])).outcomes[0]).toMatchObject({ status: 'appended', streamPosition: 2 });

      const retried = await b.append(stream, [x]);
      expect(retried.outcomes).toEqual([{ status: 'duplicate', eventId: x.eventId, streamId: stream, streamPosition: 2 }]);
      expect((await b.append(stream, [event('/next')])).outcomes[0]).toMatchObject({ status: 'appended', streamPosition: 3 });
      await expect(b.verify(stream)).resolves.toEqual({ streamId: stream, ok: true, events: 3 });
    });

    it('is a conflict when it carries other content, and nothing is written', async () => {
      const stream = `customer-${randomUUID()}`;
      await b.append(stream, [event('/first')]);
      const x = event('/x');
      await a.append(stream, [x]);
      const result = await b.append(stream, [{ ...x, data: { url: '/changed' } }]);
      expect(result.outcomes[0]).toMatchObject({ status: 'conflict', eventId: x.eventId, streamId: stream });
      expect((await b.readStream(stream)).map((e) => e.data)).toEqual([{ url: '/first' }, { url: '/x' }]);
    });
  });

  it('has a double that answers a repeated append behind the end as KurrentDB does: success, nothing written', async () => {
    const request = { streamName: `customer-${randomUUID()}`, expectedState: 'no_stream' as const, events: [{ id: randomUUID(), contentType: 'application/json' as const, type: 'PageViewed', data: {}, metadata: undefined }] };
    const first = await kurrent.multiStreamAppend([request]);
    const before = kurrent.log.length;
    await expect(kurrent.multiStreamAppend([request])).resolves.toEqual(first);
    expect(kurrent.log).toHaveLength(before);
    const other = { ...request, events: [{ ...request.events[0]!, id: randomUUID() }] };
    await expect(kurrent.multiStreamAppend([other])).rejects.toMatchObject({ type: 'wrong-expected-version' });
    await expect(kurrent.multiStreamAppend([request, other])).rejects.toMatchObject({ type: 'timeout' });
  });

  it('names the first position whose stored event no longer matches its hash', async () => {
    const stream = `customer-${randomUUID()}`;
    await store.append(stream, [event('/1'), event('/2'), event('/3')]);
    kurrent.tamper(stream, 1, { url: '/forged' });
    await expect(store.verify(stream)).resolves.toMatchObject({ streamId: stream, ok: false, brokenAt: 2, events: 1 });
    const report = await store.verifyAll();
    expect(report).toMatchObject({ streams: 1, events: 1, broken: [expect.objectContaining({ streamId: stream, brokenAt: 2 })] });
  });

  it('refuses an event id that is not a UUID before anything is sent', async () => {
    await expect(store.append(`customer-${randomUUID()}`, [{ ...event('/'), eventId: 'not-a-uuid' }])).rejects.toMatchObject({ type: 'rejected' });
    expect(kurrent.appendCalls).toBe(0);
  });

  it('reports StoreUnavailableError, acknowledging nothing, when the server cannot be reached', async () => {
    const unreachable = new KurrentEventStore(KurrentDBClient.connectionString('kurrentdb://127.0.0.1:1?tls=false'), db, { disposeClient: true });
    try {
      // Expecting no stream, the append goes straight to the multi-stream append; otherwise a head read comes first.
      await expect(unreachable.append(`customer-${randomUUID()}`, [event('/')], 'no_stream')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(unreachable.append(`customer-${randomUUID()}`, [event('/')])).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(unreachable.readStream('customer-x')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(unreachable.readAll(START_CURSOR, 10)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(unreachable.lastCommitted()).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await unreachable.close();
    }
  });
});
