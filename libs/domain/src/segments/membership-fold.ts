import type { EventOfType } from '@journey/contracts';
import type { SegmentMembership } from './segment';

/**
 * Folds a recorded membership change: applied when it is newer than the membership's last
 * change, so the live pass (which recorded it when deciding) and a fold from the log (as of an
 * instant, a rebuild) reach the same memberships, whatever the order of arrival.
 */
export function foldMembership(
  memberships: Readonly<Record<string, SegmentMembership>>,
  event: EventOfType<'SegmentEntered' | 'SegmentExited'>,
): Readonly<Record<string, SegmentMembership>> {
  const current = memberships[event.data.segmentId];
  if (current && current.change >= event.data.change) return memberships;
  return {
    ...memberships,
    [event.data.segmentId]: {
      member: event.type === 'SegmentEntered',
      change: event.data.change,
      version: event.data.segmentVersion,
      since: event.occurredAt,
      backfill: event.data.backfill,
    },
  };
}

/** The ids of the segments a customer is in. */
export function memberOf(memberships: Readonly<Record<string, SegmentMembership>>): string[] {
  return Object.keys(memberships)
    .filter((id) => memberships[id]!.member)
    .sort();
}
