import {
  decideMemberships,
  nextFlip,
  nextSegmentReview,
  segmentIndex,
  type AfterCustomerEvent,
  type Customer360,
  type CustomerPredictions,
  type SegmentChange,
  type SegmentDefinition,
  type SegmentIndex,
} from '@journey/domain';

export interface SegmentPass {
  /** Decides memberships on the state each folded event left (recording them in it). */
  readonly afterEvent: AfterCustomerEvent;
  /** The changes decided, in order. */
  readonly changes: SegmentChange[];
  /** Sets the next review instant of each customer judged, once, on the state its last event left. */
  settle(customers: Map<string, Customer360>): void;
}

/** What the pass knows of one customer of the batch. */
interface Judged {
  /** The latest instant judged: judging never goes back in time. */
  at: number;
  /**
   * Per segment (by position), the instant from which time alone may change its membership, known
   * once every segment has been judged in the batch; before that only `review` is known.
   */
  flips: Float64Array | undefined;
  /** No membership changes by time alone before this instant; -Infinity: judge every segment. */
  review: number;
  /** Whether a segment was judged in this batch (the review instant is then computed again). */
  judged: boolean;
}

/**
 * Live membership in the customer pass: after each event is folded, the segments whose
 * membership it may change are judged on the state it left, at the event's instant: those
 * reading what the event changed (the index), and those whose instant to be reviewed by time has
 * come (every segment, until the batch has judged them all once and knows each one's instant).
 * The others keep their memberships: nothing they read has changed, and time has not moved them.
 * Membership events folded back into the 360 are judged like any other when their fold changes
 * the state (the lifecycle stage advanced to their instant, a membership a backfill decided that
 * another segment names); were they passed over, the next event would find that change already in
 * its state and judge nothing. One whose change the state already holds is not judged (the fold
 * hands it on unchanged): nothing a segment reads moved. `predictions` are the
 * batch's customers' latest scores, for segments that read them.
 */
export function segmentPass(segments: readonly SegmentDefinition[], predictions: ReadonlyMap<string, CustomerPredictions> = new Map()): SegmentPass {
  const index = indexOf(segments);
  const everySegment = segments.map((_, i) => i);
  const changes: SegmentChange[] = [];
  const seen = new Map<string, Judged>();
  const afterEvent: AfterCustomerEvent = (before, after, event) => {
    if (segments.length === 0 && after.segmentReviewAt === null) return after;
    let customer = seen.get(after.customerId);
    if (!customer) {
      customer = { at: after.segmentsAt === null ? -Infinity : Date.parse(after.segmentsAt), flips: undefined, review: reviewOf(after), judged: false };
      seen.set(after.customerId, customer);
    }
    const at = Math.max(customer.at, Date.parse(event.occurredAt));
    customer.at = at;
    const { flips } = customer;
    const due = at >= customer.review || segments.length === 0;
    const positions = !flips && due ? everySegment : index.affected(before, after, event.type, due && flips ? (i) => flips[i]! <= at : undefined);
    customer.judged ||= due;
    if (positions.length === 0) return after;
    customer.judged = true;
    const judged = positions.length === segments.length ? segments : positions.map((i) => segments[i]!);
    const decision = decideMemberships(after, judged, at, { kind: 'event', eventId: event.eventId }, undefined, {
      review: false,
      predictions: predictions.get(after.customerId) ?? null,
    });
    for (const change of decision.changes) changes.push(change);
    customer.review = nextReview(customer, positions, decision.state, at);
    return decision.state;
  };
  /** Records the judged segments' instants to be reviewed, and returns the customer's earliest. */
  const nextReview = (customer: Judged, positions: readonly number[], state: Customer360, at: number): number => {
    const context = { customer: state, at, memberships: state.segments };
    if (!customer.flips && positions.length < segments.length) {
      let review = customer.review;
      for (const i of positions) review = Math.min(review, nextFlip(segments[i]!.conditions, context) ?? Infinity);
      return review;
    }
    const flips = (customer.flips ??= new Float64Array(segments.length));
    for (const i of positions) flips[i] = nextFlip(segments[i]!.conditions, context) ?? Infinity;
    let review = Infinity;
    for (const flip of flips) review = Math.min(review, flip);
    return review;
  };
  const settle = (customers: Map<string, Customer360>): void => {
    for (const [id, { at, judged }] of seen) {
      const customer = customers.get(id)!;
      const segmentsAt = new Date(at).toISOString();
      // Nothing a segment reads changed unless one was judged: the stored review instant holds.
      const segmentReviewAt = judged ? nextSegmentReview(customer, segments, at) : customer.segmentReviewAt;
      if (segmentReviewAt !== customer.segmentReviewAt || segmentsAt !== customer.segmentsAt) customers.set(id, { ...customer, segmentReviewAt, segmentsAt });
    }
  };
  return { afterEvent, changes, settle };
}

/** A customer never judged has every segment judged on its first event. */
function reviewOf(customer: Customer360): number {
  if (customer.segmentsAt === null) return -Infinity;
  return customer.segmentReviewAt === null ? Infinity : Date.parse(customer.segmentReviewAt);
}

/** The index of the last definitions seen (the store keeps one parsed definition per version): batches reuse it. */
let cached: SegmentIndex | undefined;

function indexOf(segments: readonly SegmentDefinition[]): SegmentIndex {
  const same = cached?.segments.length === segments.length && segments.every((segment, i) => cached!.segments[i] === segment);
  if (!same) cached = segmentIndex(segments);
  return cached!;
}
