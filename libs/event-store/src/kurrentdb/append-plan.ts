import { NO_STREAM, type AppendStreamRequest, type EventData } from '@kurrent/kurrentdb-client';
import { ConcurrencyError } from '../errors';
import type { EventOutcome, ExpectedVersion } from '../event-store.port';
import { chainHash, envelopeText } from '../hash-chain';
import { contentKey, type AppendCall, type PreparedEvent } from '../postgres/prepared-event';
import { NEW_STREAM, type StreamHead } from '../stream-heads';
import { claimRequest, contentDigest } from './id-claims';
import { toEventData } from './stored-event';

/** A stream head as the planner knows it: `fresh` when read after the call was made. */
export interface KnownHead {
  readonly head: StreamHead;
  readonly fresh: boolean;
}

export type AppendPlan =
  /** Heads to read before the plan can be trusted. */
  | { readonly kind: 'lookup'; readonly streams: ReadonlySet<string> }
  /** The caller's expectation certainly fails. */
  | { readonly kind: 'conflict'; readonly error: ConcurrencyError }
  | {
      readonly kind: 'write';
      /** One per event of the call, in order. */
      readonly outcomes: readonly EventOutcome[];
      /** The claims first, then each stream's events; empty when nothing is new. */
      readonly requests: readonly AppendStreamRequest[];
      /** The heads of the written streams once the append commits. */
      readonly heads: ReadonlyMap<string, StreamHead>;
    };

/**
 * Plans one caller's append: positions and hashes from the heads it knows, each stream written
 * at an exact expected revision (whatever the caller expects, the chain needs the head), and a
 * claim for every new event id. `settled` holds the outcomes already fixed by claims found in
 * the store, by event index; `newId` gives each claim record a fresh id (see id-claims.ts). Pure:
 * the caller reads heads and claims and sends the requests.
 */
export function planAppend(
  call: AppendCall,
  heads: (streamId: string) => KnownHead | undefined,
  settled: ReadonlyMap<number, EventOutcome>,
  recordedAt: string,
  newId: () => string,
): AppendPlan {
  const lookup = new Set<string>();
  const outcomes = new Array<EventOutcome>(call.eventCount);
  const planned = new Map<string, { readonly base: StreamHead; head: StreamHead; readonly events: EventData[] }>();
  const placed = new Map<string, { readonly streamId: string; readonly streamPosition: number; readonly key: string }>();
  const claims: AppendStreamRequest[] = [];
  let index = 0;
  for (const request of call.requests) {
    const { streamId } = request;
    const first = index;
    index += request.events.length;
    // Offsets of the events this request writes; a repeat of one of its own ids waits until
    // that id has its position.
    const pending: number[] = [];
    const own = new Set<string>();
    for (let i = 0; i < request.events.length; i++) {
      const event = request.events[i]!;
      const known = settled.get(first + i);
      if (known) outcomes[first + i] = known;
      else if (own.has(event.eventId)) continue;
      else if (placed.has(event.eventId)) outcomes[first + i] = repeated(event, streamId, placed.get(event.eventId)!);
      else {
        pending.push(i);
        own.add(event.eventId);
      }
    }
    if (pending.length === 0) continue;

    const entry = planned.get(streamId);
    // A caller expecting no stream needs no head read: if one exists, the server refuses.
    const known = heads(streamId) ?? (request.expected === 'no_stream' ? { head: NEW_STREAM, fresh: false } : undefined);
    const head = entry?.head ?? known?.head ?? NEW_STREAM;
    const verdict = entry ? check(request.expected, head, true) : known ? check(request.expected, head, known.fresh) : 'lookup';
    if (verdict === 'lookup') {
      lookup.add(streamId);
      continue;
    }
    if (verdict === 'conflict') return { kind: 'conflict', error: new ConcurrencyError(streamId, request.expected, head.version) };

    let { version, hash } = head;
    const events = entry?.events ?? [];
    for (const i of pending) {
      const event = request.events[i]!;
      version += 1;
      hash = chainHash(hash, envelopeText(event, streamId, version, recordedAt));
      events.push(toEventData(event, { streamId, streamPosition: version, recordedAt, hash }));
      const key = contentKey(streamId, event);
      placed.set(event.eventId, { streamId, streamPosition: version, key });
      claims.push(claimRequest(event.eventId, { streamId, streamPosition: version, content: contentDigest(key) }, newId()));
      outcomes[first + i] = { status: 'appended', eventId: event.eventId, streamId, streamPosition: version };
    }
    if (entry) entry.head = { version, hash };
    else planned.set(streamId, { base: head, head: { version, hash }, events });
    // Repeats of an id within this request, now that its position is known.
    for (let i = 0; i < request.events.length; i++) {
      const event = request.events[i]!;
      if (outcomes[first + i] === undefined) outcomes[first + i] = repeated(event, streamId, placed.get(event.eventId)!);
    }
  }
  if (lookup.size > 0) return { kind: 'lookup', streams: lookup };

  const requests: AppendStreamRequest[] = [...claims];
  const written = new Map<string, StreamHead>();
  for (const [streamId, { base, head, events }] of planned) {
    requests.push({ streamName: streamId, events, expectedState: base.version === 0 ? NO_STREAM : BigInt(base.version - 1) });
    written.set(streamId, head);
  }
  return { kind: 'write', outcomes, requests, heads: written };
}

/** Whether a stream at `head` satisfies `expected`, and whether a failure is certain. */
function check(expected: ExpectedVersion, head: StreamHead, fresh: boolean): 'ok' | 'conflict' | 'lookup' {
  if (expected === 'any') return 'ok';
  const wanted = expected === 'no_stream' ? 0 : expected;
  if (head.version === wanted) return 'ok';
  // Versions only grow: a remembered head beyond the expectation is a certain conflict; one
  // behind it may be old news, unless it was read after the call was made.
  return head.version > wanted || fresh ? 'conflict' : 'lookup';
}

function repeated(
  event: PreparedEvent,
  streamId: string,
  earlier: { readonly streamId: string; readonly streamPosition: number; readonly key: string },
): EventOutcome {
  if (earlier.key === contentKey(streamId, event)) {
    return { status: 'duplicate', eventId: event.eventId, streamId: earlier.streamId, streamPosition: earlier.streamPosition };
  }
  return {
    status: 'conflict',
    eventId: event.eventId,
    streamId: earlier.streamId,
    reason: `event id ${event.eventId} is already used by another event (stream ${earlier.streamId}, position ${earlier.streamPosition})`,
  };
}
