import { asSealedAgain } from '@journey/privacy';
import { ConcurrencyError } from '../errors';
import type { EventOutcome, ExpectedVersion } from '../event-store.port';
import { canonicalJson, chainHash, envelopeText } from '../hash-chain';
import { NEW_STREAM, type StreamHead } from '../stream-heads';
import { contentKey, type AppendCall, type PreparedEvent } from './prepared-event';

/** An event the database already holds, read back for a batch that reuses its id. */
export interface StoredEventRow {
  readonly eventId: string;
  readonly streamId: string;
  readonly streamPosition: number;
  readonly type: string;
  readonly version: number;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly source: string;
  readonly occurredAt: string | Date;
}

/** The state of one call across the attempts of a batch. */
export interface CallState {
  readonly call: AppendCall;
  /** Outcomes fixed by facts in the database (the id is already stored), by event index. */
  readonly settled: Map<number, EventOutcome>;
  error?: Error;
  checkedForDuplicates: boolean;
}

export function callState(call: AppendCall): CallState {
  return { call, settled: new Map(), checkedForDuplicates: false };
}

/** A stream the plan writes: the head it builds on and the head after the batch. */
export interface PlannedStream {
  readonly base: StreamHead;
  head: StreamHead;
}

/** A batch planned from the stream heads believed current. */
export interface Plan {
  /** Streams whose heads must be read before the plan can be trusted. */
  readonly lookup: ReadonlySet<string>;
  /** Calls whose expectation certainly fails against the heads. */
  readonly conflicts: ReadonlyMap<CallState, ConcurrencyError>;
  readonly accepted: ReadonlyMap<CallState, readonly EventOutcome[]>;
  readonly streams: ReadonlyMap<string, PlannedStream>;
  readonly rows: readonly string[];
  readonly ids: readonly string[];
}

/**
 * Plans a batch from the heads known without asking the database: those read during this batch
 * (`fresh`), then those this process remembers, else a new stream (or a lookup, for a call whose
 * streams exist). A call's version checks hold
 * for all its requests or none; positions and the hash chain follow each stream's head; an id
 * placed earlier in the batch, or settled from the store, is a duplicate or a conflict, never a
 * second write. A check that a remembered head cannot decide asks for a lookup.
 */
export function planBatch(
  states: readonly CallState[],
  fresh: ReadonlyMap<string, StreamHead>,
  remembered: (streamId: string) => StreamHead | undefined,
  recordedAt: string,
): Plan {
  const lookup = new Set<string>();
  const conflicts = new Map<CallState, ConcurrencyError>();
  const accepted = new Map<CallState, EventOutcome[]>();
  const streams = new Map<string, PlannedStream>();
  const claimed = new Map<string, Claim>();
  const rows: string[] = [];
  const ids: string[] = [];

  for (const state of states) {
    if (state.error) continue;
    // A call writes into the batch's plan as it goes; one that fails a version check on a
    // later request is undone (a call's requests pass or fail together).
    const touched: Array<{ readonly streamId: string; readonly head: StreamHead | undefined }> = [];
    const firstRow = rows.length;
    const outcomes: EventOutcome[] = new Array<EventOutcome>(state.call.eventCount);
    let conflict: ConcurrencyError | undefined;
    let index = 0;
    for (const request of state.call.requests) {
      const first = index;
      const events = request.events;
      index += events.length;
      // Offsets of the events this request writes, and of repeats of an id it writes itself
      // (settled once that id's position is known).
      const pending: number[] = [];
      let repeats: number[] | undefined;
      const pendingIds = events.length > 1 ? new Set<string>() : undefined;
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        const settled = state.settled.get(first + i);
        if (settled) {
          outcomes[first + i] = settled;
          continue;
        }
        const earlier = claimed.get(event.eventId);
        if (earlier) {
          outcomes[first + i] = repeated(event.eventId, earlier, contentKey(request.streamId, event));
        } else if (pendingIds?.has(event.eventId)) {
          (repeats ??= []).push(i);
        } else {
          pendingIds?.add(event.eventId);
          pending.push(i);
        }
      }
      if (pending.length === 0) continue;

      const streamId = request.streamId;
      const entry = streams.get(streamId);
      const known = entry?.head ?? fresh.get(streamId) ?? remembered(streamId);
      if (!known && state.call.streamsExist) {
        lookup.add(streamId);
        continue;
      }
      const head = known ?? NEW_STREAM;
      const verdict = check(request.expected, head, fresh.has(streamId));
      if (verdict === 'lookup') {
        lookup.add(streamId);
        continue;
      }
      if (verdict === 'conflict') {
        conflict = new ConcurrencyError(streamId, request.expected, head.version);
        break;
      }
      let { version, hash } = head;
      for (const i of pending) {
        const event = events[i]!;
        version += 1;
        hash = chainHash(hash, envelopeText(event, streamId, version, recordedAt));
        rows.push(batchLine(event, streamId, version, recordedAt, hash));
        ids.push(event.eventId);
        claimed.set(event.eventId, { streamId, streamPosition: version, event });
        outcomes[first + i] = { status: 'appended', eventId: event.eventId, streamId, streamPosition: version };
      }
      touched.push({ streamId, head: entry?.head });
      if (entry) entry.head = { version, hash };
      else streams.set(streamId, { base: head, head: { version, hash } });
      for (const i of repeats ?? []) {
        const event = events[i]!;
        outcomes[first + i] = repeated(event.eventId, claimed.get(event.eventId)!, contentKey(streamId, event));
      }
    }
    if (conflict) {
      undo(touched, streams);
      for (const id of ids.splice(firstRow)) claimed.delete(id);
      rows.length = firstRow;
      conflicts.set(state, conflict);
      continue;
    }
    accepted.set(state, outcomes);
  }
  return { lookup, conflicts, accepted, streams, rows, ids };
}

/**
 * Fixes the outcome of every event whose id the database already holds. An event delivered again
 * after its subject was forgotten is sealed with "[forgotten]" where the stored copy has sealed
 * text: it is the same event when everything else is the same (idempotent forever).
 */
export function settleStored(states: readonly CallState[], stored: readonly StoredEventRow[]): void {
  if (stored.length === 0) return;
  const byId = new Map(stored.map((row) => [String(row.eventId).toLowerCase(), row]));
  for (const state of states) {
    let index = 0;
    for (const request of state.call.requests) {
      for (const event of request.events) {
        const row = byId.get(event.eventId);
        if (row) {
          const seen = { ...row, data: asSealedAgain(row.type, row.data, event.data) };
          const earlier: Claim = { streamId: row.streamId, streamPosition: Number(row.streamPosition), stored: seen };
          state.settled.set(index, repeated(event.eventId, earlier, contentKey(request.streamId, event)));
        }
        index++;
      }
    }
  }
}

/** Whether a stream at `head` satisfies `expected`, and whether a failure is certain. */
function check(expected: ExpectedVersion, head: StreamHead, headIsFresh: boolean): 'ok' | 'conflict' | 'lookup' {
  if (expected === 'any') return 'ok';
  if (expected === 'no_stream') return head.version === 0 ? 'ok' : 'conflict';
  if (head.version === expected) return 'ok';
  // Versions only grow: a remembered head beyond the expectation is a certain conflict; one
  // behind it may just be old news, unless it was read after the call was made.
  return head.version > expected || headIsFresh ? 'conflict' : 'lookup';
}

/** An event id already placed, in this batch or in the store; its content key only when needed. */
type Claim = { readonly streamId: string; readonly streamPosition: number } & (
  | { readonly event: PreparedEvent }
  | { readonly stored: StoredEventRow }
);

function keyOf(claim: Claim): string {
  return 'event' in claim ? contentKey(claim.streamId, claim.event) : storedKey(claim.stored);
}

/** Puts back the stream heads a call had planned before it failed its version check. */
function undo(
  touched: ReadonlyArray<{ readonly streamId: string; readonly head: StreamHead | undefined }>,
  streams: Map<string, PlannedStream>,
): void {
  for (let i = touched.length - 1; i >= 0; i--) {
    const { streamId, head } = touched[i]!;
    if (head === undefined) streams.delete(streamId);
    else streams.get(streamId)!.head = head;
  }
}

function repeated(eventId: string, earlier: Claim, key: string): EventOutcome {
  if (keyOf(earlier) === key) {
    return { status: 'duplicate', eventId, streamId: earlier.streamId, streamPosition: earlier.streamPosition };
  }
  return {
    status: 'conflict',
    eventId,
    streamId: earlier.streamId,
    reason: `event id ${eventId} is already used by another event (stream ${earlier.streamId}, position ${earlier.streamPosition})`,
  };
}

function storedKey(row: StoredEventRow): string {
  return contentKey(row.streamId, {
    type: row.type,
    version: Number(row.version),
    source: row.source,
    occurredAt: new Date(row.occurredAt).toISOString(),
    canonicalData: canonicalJson(row.data),
    canonicalMetadata: canonicalJson(row.metadata),
  });
}

export function eventIdsOf(state: CallState): string[] {
  return state.call.requests.flatMap((request) => request.events.map((event) => event.eventId));
}

/**
 * An event as append_events reads it: one line of JSON. Its keys come in jsonb's own order
 * (shorter keys first, then by bytes), which spares PostgreSQL sorting them for every event.
 */
function batchLine(event: PreparedEvent, streamId: string, position: number, recordedAt: string, hash: string): string {
  return (
    `{"data":${event.canonicalData},"hash":"${hash}","type":${JSON.stringify(event.type)}` +
    `,"source":${JSON.stringify(event.source)},"eventId":"${event.eventId}","version":${event.version}` +
    `,"metadata":${event.canonicalMetadata},"streamId":${JSON.stringify(streamId)}` +
    `,"occurredAt":"${event.occurredAt}","recordedAt":"${recordedAt}","streamPosition":${position}}`
  );
}
