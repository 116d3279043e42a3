import { decideMemberships, nextSegmentReview, type Customer360, type CustomerPredictions, type SegmentChange, type SegmentDefinition } from '@journey/domain';
import type { AfterCustomerEvent } from '@journey/domain';

export interface SegmentPass {
  /** Decides memberships on the state each folded event left (recording them in it). */
  readonly afterEvent: AfterCustomerEvent;
  /** The changes decided, in order. */
  readonly changes: SegmentChange[];
  /** Sets the next review instant of each customer judged, once, on the state its last event left. */
  settle(customers: Map<string, Customer360>): void;
}

/**
 * Live membership in the customer pass: after each event is folded, every live segment is judged
 * on the state it left, at the event's instant. The membership events folded back into the 360
 * decide nothing (they only record what was decided). `predictions` are the batch's customers'
 * latest scores, for segments that read them.
 */
export function segmentPass(segments: readonly SegmentDefinition[], predictions: ReadonlyMap<string, CustomerPredictions> = new Map()): SegmentPass {
  const changes: SegmentChange[] = [];
  /** The latest instant judged per customer in this batch: judging never goes back in time. */
  const judged = new Map<string, number>();
  const afterEvent: AfterCustomerEvent = (_before, after, event) => {
    if (event.type === 'SegmentEntered' || event.type === 'SegmentExited') return after;
    if (segments.length === 0 && after.segmentReviewAt === null) return after;
    const last = judged.get(after.customerId) ?? (after.segmentsAt === null ? -Infinity : Date.parse(after.segmentsAt));
    const at = Math.max(last, Date.parse(event.occurredAt));
    judged.set(after.customerId, at);
    const decision = decideMemberships(after, segments, at, { kind: 'event', eventId: event.eventId }, undefined, {
      review: false,
      predictions: predictions.get(after.customerId) ?? null,
    });
    changes.push(...decision.changes);
    return decision.state;
  };
  const settle = (customers: Map<string, Customer360>): void => {
    for (const [id, at] of judged) {
      const customer = customers.get(id)!;
      const segmentsAt = new Date(at).toISOString();
      const segmentReviewAt = nextSegmentReview(customer, segments, at);
      if (segmentReviewAt !== customer.segmentReviewAt || segmentsAt !== customer.segmentsAt) customers.set(id, { ...customer, segmentReviewAt, segmentsAt });
    }
  };
  return { afterEvent, changes, settle };
}
