import { hash } from 'node:crypto';
import { NO_STREAM, type AppendStreamRequest, type ResolvedEvent } from '@kurrent/kurrentdb-client';
import type { EventOutcome } from '../event-store.port';

/**
 * KurrentDB has no index by event id, and its own idempotency is weaker than journey's (see
 * docs/design.md §4): it knows an id again only in the same stream, only when the append repeats
 * the same expected revision (with `any`, only while the id is in a cache of recent ids), and it
 * compares ids, not content. So every event id is claimed by a stream of its own, written with
 * the expectation that it does not exist yet, in the same multi-stream append as the event: the
 * claim is the unique index, and the server checks it atomically with the write, forever and
 * across streams. A claim names where the event went and a digest of its content, so a repeat is
 * told from a reuse without reading the event itself. Each attempt gives its claim record a fresh
 * id: the server takes an append whose records it already holds, at a revision behind the end or
 * expecting no stream, as a retry of that append and answers success without writing (its own
 * idempotency), so a claim with the id of the stored one would pass for new.
 */
export const CLAIM_STREAM_PREFIX = 'journey-event-id-';
export const CLAIM_TYPE = 'EventIdClaimed';

export interface Claim {
  readonly streamId: string;
  readonly streamPosition: number;
  /** sha256 of the event's content key (prepared-event.ts), hex. */
  readonly content: string;
}

export function claimStreamOf(eventId: string): string {
  return `${CLAIM_STREAM_PREFIX}${eventId}`;
}

export function isClaimStream(streamId: string): boolean {
  return streamId.startsWith(CLAIM_STREAM_PREFIX);
}

export function contentDigest(contentKey: string): string {
  return hash('sha256', contentKey, 'hex');
}

/** The append that claims `eventId` for an event placed at `claim`, as record `recordId` (fresh per attempt); it fails if the id is taken. */
export function claimRequest(eventId: string, claim: Claim, recordId: string): AppendStreamRequest {
  return {
    streamName: claimStreamOf(eventId),
    expectedState: NO_STREAM,
    events: [
      {
        id: recordId,
        contentType: 'application/json',
        type: CLAIM_TYPE,
        data: { ...claim },
        metadata: undefined,
      },
    ],
  };
}

/** The claim a claim stream's first record holds, if it is one. */
export function claimOf(resolved: ResolvedEvent): Claim | undefined {
  const record = resolved.event;
  if (!record || record.type !== CLAIM_TYPE || !record.isJson) return undefined;
  const data = record.data as Partial<Claim>;
  if (typeof data.streamId !== 'string' || typeof data.streamPosition !== 'number' || typeof data.content !== 'string') return undefined;
  return { streamId: data.streamId, streamPosition: data.streamPosition, content: data.content };
}

/** What an event whose id is already claimed amounts to: the same event again, or a reuse. */
export function outcomeOfClaimed(eventId: string, claim: Claim, contentKey: string): EventOutcome {
  if (claim.content === contentDigest(contentKey)) {
    return { status: 'duplicate', eventId, streamId: claim.streamId, streamPosition: claim.streamPosition };
  }
  return {
    status: 'conflict',
    eventId,
    streamId: claim.streamId,
    reason: `event id ${eventId} is already used by another event (stream ${claim.streamId}, position ${claim.streamPosition})`,
  };
}
