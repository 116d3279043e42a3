import type { Customer360 } from '../customer-360';
import type { CustomerPredictions } from '../predictions.view';
import { countInWindow, historyKey, nextWindowChange } from './activity';
import { PREDICTION_FIELDS, type SegmentCondition, type SegmentMembership } from './segment';

/**
 * What a segment's conditions look at: the 360 the event left, the instant, the memberships
 * decided so far, and the customer's latest predictions (none: not scored, or not loaded because
 * no segment reads them).
 */
export interface SegmentContext {
  readonly customer: Customer360;
  readonly at: number;
  readonly memberships: Readonly<Record<string, SegmentMembership>>;
  readonly predictions?: CustomerPredictions | null;
}

const PREDICTION_FIELD_SET: ReadonlySet<string> = new Set(PREDICTION_FIELDS);

/** Whether a condition reads a prediction field: the callers load the predictions only then. */
export function readsPredictions(condition: SegmentCondition): boolean {
  if ('all' in condition) return condition.all.some(readsPredictions);
  if ('any' in condition) return condition.any.some(readsPredictions);
  if ('not' in condition) return readsPredictions(condition.not);
  return 'field' in condition && PREDICTION_FIELD_SET.has(condition.field);
}

/** Whether the condition holds for the customer at the instant. */
export function holds(condition: SegmentCondition, context: SegmentContext): boolean {
  return compiled(condition)(context);
}

type Predicate = (context: SegmentContext) => boolean;

/** Conditions are judged on every event: each is turned into a closure once. */
const predicates = new WeakMap<SegmentCondition, Predicate>();

function compiled(condition: SegmentCondition): Predicate {
  let predicate = predicates.get(condition);
  if (!predicate) {
    predicate = compile(condition);
    predicates.set(condition, predicate);
  }
  return predicate;
}

function compile(condition: SegmentCondition): Predicate {
  if ('all' in condition) {
    const parts = condition.all.map(compiled);
    return (context) => parts.every((part) => part(context));
  }
  if ('any' in condition) {
    const parts = condition.any.map(compiled);
    return (context) => parts.some((part) => part(context));
  }
  if ('not' in condition) {
    const inner = compiled(condition.not);
    return (context) => !inner(context);
  }
  if ('segment' in condition) {
    const { segment, member } = condition;
    return (context) => (context.memberships[segment]?.member ?? false) === member;
  }
  if ('event' in condition) {
    const key = historyKey(condition.event, condition.where);
    const { withinDays, atLeast, atMost } = condition;
    return (context) => {
      const count = countInWindow(context.customer.activity, key, withinDays, context.at);
      return (atLeast === undefined || count >= atLeast) && (atMost === undefined || count <= atMost);
    };
  }
  const { field, value } = condition;
  const read = PREDICTION_FIELD_SET.has(field)
    ? (context: SegmentContext) => context.predictions?.[field as keyof CustomerPredictions] ?? null
    : (context: SegmentContext) => fieldValue(context.customer, field);
  switch (condition.op) {
    case 'eq':
      return (context) => read(context) === value;
    case 'ne':
      return (context) => read(context) !== value;
    case 'in':
      return (context) => Array.isArray(value) && value.includes(read(context));
    case 'nin':
      return (context) => Array.isArray(value) && !value.includes(read(context));
    case 'gt':
      return (context) => compare(read(context), value) > 0;
    case 'gte':
      return (context) => compare(read(context), value) >= 0;
    case 'lt':
      return (context) => compare(read(context), value) < 0;
    case 'lte':
      return (context) => compare(read(context), value) <= 0;
    case 'contains':
      return (context) => {
        const actual = read(context);
        return Array.isArray(actual) && actual.includes(value);
      };
    case 'exists':
      return (context) => read(context) !== undefined && read(context) !== null;
    case 'missing':
      return (context) => read(context) === undefined || read(context) === null;
    case 'withinLast': {
      const duration = condition.durationMs!;
      return (context) => {
        const actual = read(context);
        return typeof actual === 'string' && Date.parse(actual) > context.at - duration;
      };
    }
    case 'notWithinLast': {
      const duration = condition.durationMs!;
      return (context) => {
        const actual = read(context);
        return typeof actual !== 'string' || Date.parse(actual) <= context.at - duration;
      };
    }
  }
}

/** Numbers with numbers and texts with texts: <0, 0, >0; NaN (never true) across kinds or when absent. */
function compare(actual: unknown, expected: unknown): number {
  if (typeof actual === 'number' && typeof expected === 'number') return actual - expected;
  if (typeof actual === 'string' && typeof expected === 'string') return actual < expected ? -1 : actual > expected ? 1 : 0;
  return Number.NaN;
}

/**
 * The earliest instant after `at` at which the condition could change with time alone (a day
 * leaving an event window, a date field ageing past a duration), or null when none can.
 */
export function nextFlip(condition: SegmentCondition, context: SegmentContext): number | null {
  if ('all' in condition) return earliest(condition.all.map((part) => nextFlip(part, context)));
  if ('any' in condition) return earliest(condition.any.map((part) => nextFlip(part, context)));
  if ('not' in condition) return nextFlip(condition.not, context);
  if ('segment' in condition) return null;
  if ('event' in condition) return nextWindowChange(context.customer.activity, historyKey(condition.event, condition.where), condition.withinDays, context.at);
  if (condition.op !== 'withinLast' && condition.op !== 'notWithinLast') return null;
  const actual = fieldValue(context.customer, condition.field);
  if (typeof actual !== 'string') return null;
  const instant = Date.parse(actual) + condition.durationMs!;
  return instant > context.at ? instant : null;
}

/** The value of a segment field in the 360 (undefined when the field is unknown or unset). */
export function fieldValue(customer: Customer360, field: string): unknown {
  const dot = field.indexOf('.');
  if (dot > 0) {
    const key = field.slice(dot + 1);
    switch (field.slice(0, dot)) {
      case 'netRevenue':
        return (customer.revenue[key] ?? 0) - (customer.refunds[key] ?? 0);
      case 'consent':
        return customer.consent[key]?.granted ?? false;
      case 'score':
        return customer.scores[key];
      default:
        return undefined;
    }
  }
  switch (field) {
    case 'stage':
      return customer.lifecycle.stage;
    case 'tier':
      return customer.tier;
    case 'rfmSegment':
      return customer.segment;
    case 'country':
      return customer.profile.country ?? null;
    case 'city':
      return customer.profile.city ?? null;
    case 'orders':
      return customer.orders;
    case 'openTickets':
      return customer.openTickets.length;
    case 'topCategories':
      return Object.keys(customer.categories);
    case 'nps':
      return customer.nps;
    case 'lastPurchaseAt':
      return customer.lastPurchaseAt;
    case 'firstPurchaseAt':
      return customer.firstPurchaseAt;
    case 'lastActivityAt':
      return customer.lastActivityAt;
    case 'lastEngagementAt':
      return customer.lastEngagementAt;
    case 'registeredAt':
      return customer.registeredAt;
    default:
      return undefined;
  }
}

function earliest(values: ReadonlyArray<number | null>): number | null {
  let best: number | null = null;
  for (const value of values) if (value !== null && (best === null || value < best)) best = value;
  return best;
}
