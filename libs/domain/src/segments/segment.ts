import type { EventType } from '@journey/contracts';

/** The 360 fields a segment can look at (the marketing filters' fields, and more). */
export const SEGMENT_FIELDS = [
  'stage',
  'tier',
  'rfmSegment',
  'country',
  'city',
  'orders',
  'openTickets',
  'topCategories',
  'nps',
  'lastPurchaseAt',
  'firstPurchaseAt',
  'lastActivityAt',
  'lastEngagementAt',
  'registeredAt',
] as const;
export type SegmentField = (typeof SEGMENT_FIELDS)[number];

/** Fields with a key after a dot: `netRevenue.EUR` (minor units), `consent.email:marketing`, `score.churn`. */
export const KEYED_FIELDS = ['netRevenue', 'consent', 'score'] as const;

export const FIELD_OPERATORS = ['eq', 'ne', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists', 'missing', 'withinLast', 'notWithinLast'] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];

/** Event keys the per-customer history counts beside the type (`PurchaseCompleted|category=shoes`). */
export const HISTORY_KEYS: Partial<Record<EventType, readonly string[]>> = {
  PurchaseCompleted: ['category'],
  ProductViewed: ['category'],
  CustomEvent: ['name'],
};

/** The longest window an event-history condition may use, in days (the history keeps this many). */
export const MAX_WINDOW_DAYS = 365;

/** A segment's condition, normalised (windows in whole days, durations in ms). */
export type SegmentCondition =
  | { readonly all: readonly SegmentCondition[] }
  | { readonly any: readonly SegmentCondition[] }
  | { readonly not: SegmentCondition }
  | { readonly field: string; readonly op: FieldOperator; readonly value?: unknown; readonly durationMs?: number }
  | {
      readonly event: EventType;
      readonly where?: Readonly<Record<string, string>>;
      readonly atLeast?: number;
      readonly atMost?: number;
      readonly withinDays: number;
    }
  | { readonly segment: string; readonly member: boolean };

/** A saved audience at one of its versions. */
export interface SegmentDefinition {
  readonly id: string;
  readonly version: number;
  readonly name: string;
  readonly conditions: SegmentCondition;
}

/** One customer's membership of one segment: what the last change (number `change`) made it. */
export interface SegmentMembership {
  readonly member: boolean;
  readonly change: number;
  readonly version: number;
  readonly since: string;
  readonly backfill: boolean;
}

/** What caused a membership decision: a folded event, the clock's review instant, or a backfill job. */
export type SegmentCause =
  | { readonly kind: 'event'; readonly eventId: string }
  | { readonly kind: 'tick'; readonly at: string }
  | { readonly kind: 'backfill'; readonly jobId: string };

export interface SegmentChange {
  readonly customerId: string;
  readonly segmentId: string;
  readonly version: number;
  readonly entered: boolean;
  readonly change: number;
  readonly at: string;
  readonly cause: SegmentCause;
}
