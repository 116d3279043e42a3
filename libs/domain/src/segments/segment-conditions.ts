import type { Customer360 } from '../customer-360';
import { countInWindow, historyKey, nextWindowChange } from './activity';
import type { SegmentCondition, SegmentMembership } from './segment';

/** What a segment's conditions look at: the 360 the event left, the instant, the memberships decided so far. */
export interface SegmentContext {
  readonly customer: Customer360;
  readonly at: number;
  readonly memberships: Readonly<Record<string, SegmentMembership>>;
}

/** Whether the condition holds for the customer at the instant. */
export function holds(condition: SegmentCondition, context: SegmentContext): boolean {
  if ('all' in condition) return condition.all.every((part) => holds(part, context));
  if ('any' in condition) return condition.any.some((part) => holds(part, context));
  if ('not' in condition) return !holds(condition.not, context);
  if ('segment' in condition) return (context.memberships[condition.segment]?.member ?? false) === condition.member;
  if ('event' in condition) {
    const count = countInWindow(context.customer.activity, historyKey(condition.event, condition.where), condition.withinDays, context.at);
    return (condition.atLeast === undefined || count >= condition.atLeast) && (condition.atMost === undefined || count <= condition.atMost);
  }
  const actual = fieldValue(context.customer, condition.field);
  switch (condition.op) {
    case 'eq':
      return actual === condition.value;
    case 'ne':
      return actual !== condition.value;
    case 'in':
      return Array.isArray(condition.value) && condition.value.includes(actual);
    case 'nin':
      return Array.isArray(condition.value) && !condition.value.includes(actual);
    case 'gt':
      return ordered(actual, condition.value) && (actual as number) > (condition.value as number);
    case 'gte':
      return ordered(actual, condition.value) && (actual as number) >= (condition.value as number);
    case 'lt':
      return ordered(actual, condition.value) && (actual as number) < (condition.value as number);
    case 'lte':
      return ordered(actual, condition.value) && (actual as number) <= (condition.value as number);
    case 'contains':
      return Array.isArray(actual) && actual.includes(condition.value);
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'missing':
      return actual === undefined || actual === null;
    case 'withinLast':
      return typeof actual === 'string' && Date.parse(actual) > context.at - condition.durationMs!;
    case 'notWithinLast':
      return typeof actual !== 'string' || Date.parse(actual) <= context.at - condition.durationMs!;
  }
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

function ordered(a: unknown, b: unknown): boolean {
  return (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
}

function earliest(values: ReadonlyArray<number | null>): number | null {
  let best: number | null = null;
  for (const value of values) if (value !== null && (best === null || value < best)) best = value;
  return best;
}
