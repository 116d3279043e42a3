import type { Customer360 } from '../customer-360';
import type { CustomerPredictions } from '../predictions.view';
import { holds, nextFlip } from './segment-conditions';
import type { SegmentCause, SegmentChange, SegmentDefinition, SegmentMembership } from './segment';

export interface MembershipDecision {
  /** The customer with its memberships and its next segment review instant updated. */
  readonly state: Customer360;
  readonly changes: readonly SegmentChange[];
}

/**
 * Decides a customer's memberships on the state an event (or the clock, or a backfill) left:
 * each segment, in dependency order, is judged at `at`; a change of membership is numbered after
 * the last one, which is what makes its derived event's id, and is recorded in the state at once
 * (judging never goes back before the last instant judged: a late or derived event decides at it)
 * so that the next event of the same pass sees it. `only` limits the judgement to some segments
 * (a backfill), the others keeping their memberships. A forgotten customer is in no segment.
 * `predictions` are the customer's latest scores, for the prediction fields (pAlive, clv, …).
 */
export function decideMemberships(
  customer: Customer360,
  segments: readonly SegmentDefinition[],
  requestedAt: number,
  cause: SegmentCause,
  only?: ReadonlySet<string>,
  options: { readonly review?: boolean; readonly predictions?: CustomerPredictions | null } = {},
): MembershipDecision {
  const at = customer.segmentsAt === null ? requestedAt : Math.max(requestedAt, Date.parse(customer.segmentsAt));
  // Memberships are copied on the first change only: most events change none.
  const context: { customer: Customer360; at: number; memberships: Record<string, SegmentMembership>; predictions: CustomerPredictions | null } = {
    customer,
    at,
    memberships: customer.segments,
    predictions: options.predictions ?? null,
  };
  let changes: SegmentChange[] | undefined;
  let instant: string | undefined;
  for (const segment of segments) {
    if (only && !only.has(segment.id)) continue;
    const current = context.memberships[segment.id];
    const member = !customer.forgotten && holds(segment.conditions, context);
    if ((current?.member ?? false) === member) continue;
    if (!changes) {
      changes = [];
      context.memberships = { ...context.memberships };
      instant = new Date(at).toISOString();
    }
    const change = (current?.change ?? 0) + 1;
    context.memberships[segment.id] = { member, change, version: segment.version, since: instant!, backfill: cause.kind === 'backfill' };
    changes.push({ customerId: customer.customerId, segmentId: segment.id, version: segment.version, entered: member, change, at: instant!, cause });
  }
  const memberships = context.memberships;
  // A pass judging several events of one customer settles the instant and the review once, after the last.
  if (options.review === false) return changes ? { state: { ...customer, segments: memberships }, changes } : { state: customer, changes: [] };
  const next = nextSegmentReview({ ...customer, segments: memberships }, segments, at);
  // Judging some segments only (a backfill) leaves the others' flips where they were: an earlier
  // review instant, one perhaps already passed and not yet judged, is kept.
  const kept = only ? customer.segmentReviewAt : null;
  const segmentReviewAt = kept !== null && (next === null || kept < next) ? kept : next;
  instant ??= new Date(at).toISOString();
  if (!changes && segmentReviewAt === customer.segmentReviewAt && instant === customer.segmentsAt) return { state: customer, changes: [] };
  return { state: { ...customer, segments: memberships, segmentReviewAt, segmentsAt: instant }, changes: changes ?? [] };
}

/** The earliest instant after `at` at which time alone may change one of the customer's memberships. */
export function nextSegmentReview(customer: Customer360, segments: readonly SegmentDefinition[], at: number): string | null {
  const review = nextFlipOf(customer, segments, at);
  return review === null ? null : new Date(review).toISOString();
}

/** The earliest instant after `at` at which time alone may change the customer's membership of one of `segments` (ms), or null. */
function nextFlipOf(customer: Customer360, segments: readonly SegmentDefinition[], at: number): number | null {
  let review: number | null = null;
  const context = { customer, at, memberships: customer.segments };
  for (const segment of segments) {
    const flip = nextFlip(segment.conditions, context);
    if (flip !== null && (review === null || flip < review)) review = flip;
  }
  return review;
}

/** Segments ordered so that each comes after those its conditions name; a cycle is an error naming its path. */
export function dependencyOrder(segments: readonly SegmentDefinition[]): SegmentDefinition[] {
  const byId = new Map(segments.map((segment) => [segment.id, segment]));
  const ordered: SegmentDefinition[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (segment: SegmentDefinition, path: readonly string[]): void => {
    const mark = state.get(segment.id);
    if (mark === 'done') return;
    if (mark === 'visiting') throw new SegmentCycleError([...path, segment.id]);
    state.set(segment.id, 'visiting');
    for (const id of referencedSegments(segment.conditions)) {
      const dependency = byId.get(id);
      if (dependency) visit(dependency, [...path, segment.id]);
    }
    state.set(segment.id, 'done');
    ordered.push(segment);
  };
  for (const segment of [...segments].sort((a, b) => (a.id < b.id ? -1 : 1))) visit(segment, []);
  return ordered;
}

/**
 * The segment `id` and the segments naming it, directly or through others: those whose membership
 * a change of its membership may change (a backfill of a new version judges them all).
 * `segments` are in dependency order.
 */
export function segmentAndDependents(segments: readonly SegmentDefinition[], id: string): Set<string> {
  const judged = new Set([id]);
  for (const segment of segments) if (referencedSegments(segment.conditions).some((named) => judged.has(named))) judged.add(segment.id);
  return judged;
}

export function referencedSegments(condition: SegmentDefinition['conditions']): string[] {
  if ('all' in condition) return condition.all.flatMap(referencedSegments);
  if ('any' in condition) return condition.any.flatMap(referencedSegments);
  if ('not' in condition) return referencedSegments(condition.not);
  if ('segment' in condition) return [condition.segment];
  return [];
}

export class SegmentCycleError extends Error {
  readonly type = 'segment-cycle' as const;
  constructor(readonly path: readonly string[]) {
    super(`segments depend on each other in a cycle: ${path.join(' → ')}`);
    this.name = 'SegmentCycleError';
  }
}
