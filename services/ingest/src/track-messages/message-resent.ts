import { isDeepStrictEqual } from 'node:util';
import type { FieldError, JourneyEvent } from '@journey/contracts';
import type { EventInput } from './segment-translate';

/** Where the store says an event id is taken: `… is already used by another event (stream S, position N)`. */
export interface TakenAt {
  readonly streamId: string;
  readonly position: number;
}

const TAKEN = /is already used by another event \(stream (\S+), position (\d+)\)$/;

/** The place of the event that holds the id, when the store refused an event for that reason only. */
export function takenAt(errors: readonly FieldError[]): TakenAt | undefined {
  if (errors.length !== 1 || !errors[0]!.field.endsWith('eventId')) return undefined;
  const match = TAKEN.exec(errors[0]!.reason);
  return match ? { streamId: match[1]!, position: Number(match[2]) } : undefined;
}

/**
 * Whether the stored event is this one sent again: Segment's SDKs stamp `sentAt` anew on every
 * attempt, so a resent message differs only in `occurredAt` (corrected by receivedAt − sentAt);
 * any other difference is another message under the same messageId.
 */
export function isResentAs(stored: JourneyEvent, event: EventInput): boolean {
  // As stored: JSON drops the undefined fields the translation leaves.
  const sent = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
  return (
    stored.eventId === String(sent.eventId).toLowerCase() &&
    stored.type === sent.type &&
    stored.customerId === sent.customerId &&
    stored.anonymousId === sent.anonymousId &&
    stored.source === sent.source &&
    isDeepStrictEqual(stored.data, sent.data) &&
    isDeepStrictEqual(stored.metadata, sent.metadata ?? {})
  );
}
