import { NO_STREAM, type JSONEventData, type ResolvedEvent } from '@kurrent/kurrentdb-client';
import type { ExpectedVersion, NewEvent } from '../event-store.port';
import { chainHash, envelopeText } from '../hash-chain';
import { contentKey, prepareEvent, type AppendCall } from '../postgres/prepared-event';
import type { StreamHead } from '../stream-heads';
import { planAppend, type AppendPlan, type KnownHead } from './append-plan';
import { claimOf, claimStreamOf, contentDigest, outcomeOfClaimed } from './id-claims';
import { envelopeOf, fromRecord } from './stored-event';

const AT = '2026-03-01T12:00:05.000Z';
let counter = 0;
let ids = 0;
/** Claim record ids, a new one each time, as the appender's randomUUID gives them. */
const newId = (): string => `00000000-0000-4000-9000-${String(++ids).padStart(12, '0')}`;

function event(url: string, eventId = `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`): NewEvent {
  return { eventId, type: 'PageViewed', version: 1, occurredAt: '2026-03-01T12:00:00.000Z', source: 'web', data: { url }, metadata: { correlationId: 'c-1', nested: { b: 1, a: 2 } } };
}

function call(...requests: Array<{ streamId: string; events: NewEvent[]; expected?: ExpectedVersion }>): AppendCall {
  return {
    requests: requests.map((r) => ({ streamId: r.streamId, events: r.events.map(prepareEvent), expected: r.expected ?? 'any' })),
    eventCount: requests.reduce((n, r) => n + r.events.length, 0),
  };
}

function knowing(heads: Record<string, StreamHead>, fresh = false): (streamId: string) => KnownHead | undefined {
  return (streamId) => (heads[streamId] ? { head: heads[streamId]!, fresh } : undefined);
}

function written(plan: AppendPlan): Extract<AppendPlan, { kind: 'write' }> {
  if (plan.kind !== 'write') throw new Error(`expected a write plan, got ${plan.kind}`);
  return plan;
}

/** A record as KurrentDB would give it back for an event the plan wrote at `revision`. */
function recordOf(streamId: string, data: JSONEventData, revision: number): ResolvedEvent {
  return {
    event: {
      streamId,
      id: data.id.toUpperCase(),
      isJson: true,
      revision: BigInt(revision),
      type: data.type,
      created: new Date(),
      data: JSON.parse(JSON.stringify(data.data)) as Record<string, unknown>,
      metadata: { ...(data.metadata as Record<string, string>), '$schema.name': data.type },
      position: { commit: 900n + BigInt(revision), prepare: 900n + BigInt(revision) },
    },
  } as ResolvedEvent;
}

describe('planning an append to KurrentDB', () => {
  it('places new events after the known head at its exact revision, chaining from its hash, claims first', () => {
    const head = { version: 2, hash: 'ab'.repeat(32) };
    const events = [event('/a'), event('/b')];
    const plan = written(planAppend(call({ streamId: 'customer-1', events }), knowing({ 'customer-1': head }), new Map(), AT, newId));

    expect(plan.outcomes).toEqual([
      { status: 'appended', eventId: events[0]!.eventId, streamId: 'customer-1', streamPosition: 3 },
      { status: 'appended', eventId: events[1]!.eventId, streamId: 'customer-1', streamPosition: 4 },
    ]);
    expect(plan.requests.map((r) => [r.streamName, r.expectedState])).toEqual([
      [claimStreamOf(events[0]!.eventId), NO_STREAM],
      [claimStreamOf(events[1]!.eventId), NO_STREAM],
      ['customer-1', 1n],
    ]);
    const prepared = events.map(prepareEvent);
    const first = chainHash(head.hash, envelopeText(prepared[0]!, 'customer-1', 3, AT));
    const second = chainHash(first, envelopeText(prepared[1]!, 'customer-1', 4, AT));
    expect(plan.heads.get('customer-1')).toEqual({ version: 4, hash: second });
  });

  it('writes a new stream with no_stream, and asks for a head it does not know unless the caller expects none', () => {
    expect(planAppend(call({ streamId: 'customer-1', events: [event('/a')] }), knowing({}), new Map(), AT, newId)).toEqual({
      kind: 'lookup',
      streams: new Set(['customer-1']),
    });
    const plan = written(planAppend(call({ streamId: 'customer-1', events: [event('/a')] }), knowing({ 'customer-1': { version: 0, hash: null } }), new Map(), AT, newId));
    expect(plan.requests.at(-1)).toMatchObject({ streamName: 'customer-1', expectedState: NO_STREAM });
    const unread = written(planAppend(call({ streamId: 'customer-2', events: [event('/a')], expected: 'no_stream' }), knowing({}), new Map(), AT, newId));
    expect(unread.requests.at(-1)).toMatchObject({ streamName: 'customer-2', expectedState: NO_STREAM });
  });

  it("checks the caller's expectation: certain beyond it, asks again behind it unless the head is fresh", () => {
    const stale = knowing({ 'customer-1': { version: 3, hash: 'x' } });
    const fresh = knowing({ 'customer-1': { version: 3, hash: 'x' } }, true);
    const behind = planAppend(call({ streamId: 'customer-1', events: [event('/a')], expected: 5 }), stale, new Map(), AT, newId);
    const beyond = planAppend(call({ streamId: 'customer-1', events: [event('/a')], expected: 2 }), stale, new Map(), AT, newId);
    const read = planAppend(call({ streamId: 'customer-1', events: [event('/a')], expected: 5 }), fresh, new Map(), AT, newId);
    expect(behind.kind).toBe('lookup');
    expect(beyond).toMatchObject({ kind: 'conflict', error: { type: 'concurrency', streamId: 'customer-1', expected: 2, actual: 3 } });
    expect(read).toMatchObject({ kind: 'conflict', error: { actual: 3 } });
    expect(planAppend(call({ streamId: 'customer-1', events: [event('/a')], expected: 'no_stream' }), stale, new Map(), AT, newId).kind).toBe('conflict');
  });

  it('treats an id repeated in one call as one event: the same content a duplicate, other content a conflict', () => {
    const once = event('/a');
    const plan = written(
      planAppend(
        call({ streamId: 'customer-1', events: [once, once, { ...once, data: { url: '/other' } }] }, { streamId: 'customer-2', events: [once] }),
        knowing({ 'customer-1': { version: 0, hash: null }, 'customer-2': { version: 0, hash: null } }),
        new Map(),
        AT,
        newId,
      ),
    );
    expect(plan.outcomes.map((o) => o.status)).toEqual(['appended', 'duplicate', 'conflict', 'conflict']);
    expect(plan.outcomes[3]).toMatchObject({ streamId: 'customer-1', reason: expect.stringContaining('already used') });
    expect(plan.requests.map((r) => r.streamName)).toEqual([claimStreamOf(once.eventId), 'customer-1']);
  });

  it('gives every claim record a new id, so a claim sent again is a new record the server must refuse', () => {
    const events = [event('/a'), event('/b')];
    const plan = (): Extract<AppendPlan, { kind: 'write' }> =>
      written(planAppend(call({ streamId: 'customer-1', events }), knowing({ 'customer-1': { version: 0, hash: null } }), new Map(), AT, newId));
    const claimIds = (p: Extract<AppendPlan, { kind: 'write' }>): string[] => p.requests.slice(0, 2).map((r) => r.events[0]!.id);
    const first = claimIds(plan());
    const again = claimIds(plan());
    expect(new Set([...first, ...again]).size).toBe(4);
    expect(plan().requests.slice(0, 2).map((r) => [r.streamName, r.expectedState])).toEqual(events.map((e) => [claimStreamOf(e.eventId), NO_STREAM]));
  });

  it('writes nothing for events the store already holds, and checks no version for them', () => {
    const stored = event('/a');
    const settled = new Map([[0, { status: 'duplicate' as const, eventId: stored.eventId, streamId: 'customer-1', streamPosition: 1 }]]);
    const plan = written(planAppend(call({ streamId: 'customer-1', events: [stored], expected: 'no_stream' }), knowing({ 'customer-1': { version: 1, hash: 'x' } }), settled, AT, newId));
    expect(plan.requests).toEqual([]);
    expect(plan.outcomes).toEqual([settled.get(0)]);
  });

  it('reads back what it wrote as the same event, whose hash verifies, and whose claim tells a repeat from a reuse', () => {
    const original = event('/a');
    const plan = written(planAppend(call({ streamId: 'customer-7', events: [original] }), knowing({ 'customer-7': { version: 0, hash: null } }), new Map(), AT, newId));
    const data = plan.requests.at(-1)!.events[0] as JSONEventData;
    const read = fromRecord(recordOf('customer-7', data, 0))!;
    expect(read).toMatchObject({ ...original, customerId: '7', streamId: 'customer-7', streamPosition: 1, recordedAt: AT, globalPosition: 900, commit: 900 });
    expect(chainHash(null, envelopeOf(read))).toBe(read.hash);
    expect(read.hash).toBe(plan.heads.get('customer-7')!.hash);

    const claimData = plan.requests[0]!.events[0] as JSONEventData;
    const claim = claimOf(recordOf(claimStreamOf(original.eventId), claimData, 0))!;
    const again = prepareEvent(original);
    expect(outcomeOfClaimed(original.eventId, claim, contentKey('customer-7', again))).toEqual({
      status: 'duplicate',
      eventId: original.eventId,
      streamId: 'customer-7',
      streamPosition: 1,
    });
    expect(outcomeOfClaimed(original.eventId, claim, contentKey('customer-8', again))).toMatchObject({ status: 'conflict', streamId: 'customer-7' });
    expect(claim.content).toBe(contentDigest(contentKey('customer-7', again)));
    expect(fromRecord(recordOf(claimStreamOf(original.eventId), claimData, 0))).toBeUndefined();
  });
});
