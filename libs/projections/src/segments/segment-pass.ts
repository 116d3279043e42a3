import { decideMemberships, type SegmentChange, type SegmentDefinition } from '@journey/domain';
import type { AfterCustomerEvent } from '../fold';

export interface SegmentPass {
  /** Decides memberships on the state each folded event left (recording them in it). */
  readonly afterEvent: AfterCustomerEvent;
  /** The changes decided, in order. */
  readonly changes: SegmentChange[];
}

/**
 * Live membership in the customer pass: after each event is folded, every live segment is judged
 * on the state it left, at the event's instant. The membership events folded back into the 360
 * decide nothing (they only record what was decided).
 */
export function segmentPass(segments: readonly SegmentDefinition[]): SegmentPass {
  const changes: SegmentChange[] = [];
  const afterEvent: AfterCustomerEvent = (_before, after, event) => {
    if (event.type === 'SegmentEntered' || event.type === 'SegmentExited') return after;
    if (segments.length === 0 && after.segmentReviewAt === null) return after;
    const decision = decideMemberships(after, segments, Date.parse(event.occurredAt), { kind: 'event', eventId: event.eventId });
    changes.push(...decision.changes);
    return decision.state;
  };
  return { afterEvent, changes };
}
