import { randomUUID } from 'node:crypto';
import { FORGOTTEN } from '@journey/privacy';
import { ConcurrencyError } from '../errors';
import type { ExpectedVersion } from '../event-store.port';
import { chainHash, envelopeText } from '../hash-chain';
import type { StreamHead } from '../stream-heads';
import { callState, planBatch, settleStored, type CallState, type Plan } from './append-plan';
import { prepareEvent, type AppendCall, type PreparedEvent } from './prepared-event';

const RECORDED_AT = '2026-03-01T12:00:05.000Z';

function pageView(url = '/', eventId = randomUUID()): PreparedEvent {
  return prepareEvent({ eventId, type: 'PageViewed', version: 1, occurredAt: '2026-03-01T12:00:00.000Z', source: 'web', data: { url }, metadata: {} });
}

function call(...requests: Array<[streamId: string, events: PreparedEvent[], expected?: ExpectedVersion]>): CallState {
  const appendCall: AppendCall = {
    requests: requests.map(([streamId, events, expected = 'any']) => ({ streamId, events, expected })),
    eventCount: requests.reduce((n, [, events]) => n + events.length, 0),
  };
  return callState(appendCall);
}

function plan(states: CallState[], remembered: Record<string, StreamHead> = {}, fresh: Record<string, StreamHead> = {}): Plan {
  return planBatch(states, new Map(Object.entries(fresh)), (streamId) => remembered[streamId], RECORDED_AT);
}

const lines = (p: Plan) => p.rows.map((row) => JSON.parse(row) as { streamId: string; streamPosition: number; eventId: string; hash: string });
const head = (version: number): StreamHead => ({ version, hash: 'ab'.repeat(32) });

describe('planning a group-commit batch', () => {
  it('numbers a new stream from 1 and chains each hash from the one before', () => {
    const [a, b] = [pageView('/a'), pageView('/b')];
    const planned = plan([call(['customer-1', [a, b], 'no_stream'])]);

    const first = chainHash(null, envelopeText(a, 'customer-1', 1, RECORDED_AT));
    const second = chainHash(first, envelopeText(b, 'customer-1', 2, RECORDED_AT));
    expect(lines(planned).map((l) => [l.streamPosition, l.hash])).toEqual([
      [1, first],
      [2, second],
    ]);
    expect(planned.streams.get('customer-1')).toEqual({ base: { version: 0, hash: null }, head: { version: 2, hash: second } });
    expect(planned.ids).toEqual([a.eventId, b.eventId]);
  });

  it("continues a remembered stream, and one call's events after another's on the same stream", () => {
    const planned = plan([call(['customer-1', [pageView()], 3]), call(['customer-1', [pageView()]])], { 'customer-1': head(3) });

    expect(lines(planned).map((l) => l.streamPosition)).toEqual([4, 5]);
    expect(planned.streams.get('customer-1')!.base).toEqual(head(3));
    expect(planned.accepted.size).toBe(2);
  });

  it("refuses a call whose remembered head is already past its expectation, without touching the other calls", () => {
    const late = call(['customer-1', [pageView()], 2]);
    const other = call(['customer-2', [pageView()]]);
    const planned = plan([late, other], { 'customer-1': head(3) });

    expect(planned.conflicts.get(late)).toEqual(new ConcurrencyError('customer-1', 2, 3));
    expect(lines(planned).map((l) => l.streamId)).toEqual(['customer-2']);
    expect([...planned.accepted.keys()]).toEqual([other]);
  });

  it("undoes a call's earlier requests when a later one fails its check: its streams pass or fail together", () => {
    const both = call(['customer-1', [pageView()], 'no_stream'], ['customer-2', [pageView()], 'no_stream']);
    const planned = plan([both], { 'customer-2': head(1) });

    expect(planned.conflicts.get(both)).toBeInstanceOf(ConcurrencyError);
    expect(planned.rows).toEqual([]);
    expect(planned.streams.size).toBe(0);
  });

  it('asks to read a head that is behind the expectation when it is only remembered, and refuses once it was read', () => {
    const expectsFive = call(['customer-1', [pageView()], 5]);
    expect([...plan([expectsFive], { 'customer-1': head(3) }).lookup]).toEqual(['customer-1']);
    expect(plan([expectsFive], {}, { 'customer-1': head(3) }).conflicts.get(expectsFive)).toEqual(new ConcurrencyError('customer-1', 5, 3));
    expect(lines(plan([expectsFive], { 'customer-1': head(3) }, { 'customer-1': head(5) })).map((l) => l.streamPosition)).toEqual([6]);
  });

  it('reads the heads it does not remember of a call whose streams exist, and guesses them new otherwise', () => {
    const derived = callState({ ...call(['customer-1', [pageView()]], ['customer-2', [pageView()]]).call, streamsExist: true });
    const first = plan([derived], { 'customer-2': head(4) });
    expect([...first.lookup]).toEqual(['customer-1']);
    const read = plan([derived], { 'customer-2': head(4) }, { 'customer-1': head(7) });
    expect(lines(read).map((l) => [l.streamId, l.streamPosition])).toEqual([
      ['customer-1', 8],
      ['customer-2', 5],
    ]);
    expect(plan([call(['customer-1', [pageView()]])]).lookup.size).toBe(0);
  });

  it('writes an id given twice in a batch once: the same content is a duplicate, other content a conflict of that event', () => {
    const id = randomUUID();
    const planned = plan([call(['customer-1', [pageView('/x', id)]]), call(['customer-1', [pageView('/x', id)]]), call(['customer-2', [pageView('/y', id)]])]);

    expect(planned.rows).toHaveLength(1);
    const outcomes = [...planned.accepted.values()].map((o) => o[0]);
    expect(outcomes).toEqual([
      { status: 'appended', eventId: id, streamId: 'customer-1', streamPosition: 1 },
      { status: 'duplicate', eventId: id, streamId: 'customer-1', streamPosition: 1 },
      { status: 'conflict', eventId: id, streamId: 'customer-1', reason: expect.stringMatching(/already used by another event \(stream customer-1, position 1\)/) },
    ]);
  });

  it('answers events already stored with their stored position, and writes only the others', () => {
    const stored = pageView('/old');
    const retry = call(['customer-1', [stored, pageView('/new')]]);
    settleStored([retry], [
      { eventId: stored.eventId, streamId: 'customer-1', streamPosition: 7, type: 'PageViewed', version: 1, data: { url: '/old' }, metadata: {}, source: 'web', occurredAt: new Date(stored.occurredAt) },
    ]);
    const planned = plan([retry], { 'customer-1': head(7) });

    expect(planned.accepted.get(retry)).toEqual([
      { status: 'duplicate', eventId: stored.eventId, streamId: 'customer-1', streamPosition: 7 },
      { status: 'appended', eventId: expect.any(String), streamId: 'customer-1', streamPosition: 8 },
    ]);
    expect(planned.rows).toHaveLength(1);
  });

  it('answers an event sealed again after its subject was forgotten as a duplicate of the stored one, and other content under its id as a conflict', () => {
    const stored = { name: 'pii:v1:c2VhbGVkIHRleHQ', email: 'pii:v1:c2VhbGVkIG1haWw', country: 'GB' };
    const profile = (data: object, eventId: string) =>
      prepareEvent({ eventId, type: 'CustomerProfileUpdated', version: 1, occurredAt: '2026-03-01T12:00:00.000Z', source: 'crm', data, metadata: {} });
    const eventId = randomUUID();
    const row = { eventId, streamId: 'customer-1', streamPosition: 3, type: 'CustomerProfileUpdated', version: 1, data: stored, metadata: {}, source: 'crm', occurredAt: new Date('2026-03-01T12:00:00.000Z') };
    const outcomeOf = (data: object) => {
      const again = call(['customer-1', [profile(data, eventId)]]);
      settleStored([again], [row]);
      return plan([again], { 'customer-1': head(3) }).accepted.get(again)![0]!.status;
    };

    expect(outcomeOf({ name: FORGOTTEN, email: FORGOTTEN, country: 'GB' })).toBe('duplicate');
    expect(outcomeOf({ name: FORGOTTEN, email: FORGOTTEN, country: 'FR' })).toBe('conflict');
    expect(outcomeOf({ name: FORGOTTEN, country: 'GB' })).toBe('conflict');
    expect(outcomeOf({ name: 'pii:v1:b3RoZXIgdGV4dA', email: FORGOTTEN, country: 'GB' })).toBe('conflict');
  });
});
