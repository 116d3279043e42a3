import type { Customer360 } from '../customer-360';
import type { CustomerPredictions } from '../predictions.view';
import { countInWindow, historyKey, nextWindowChange } from './activity';
import { fieldReader } from './segment-fields';
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
  const reader = fieldReader(field);
  const read = PREDICTION_FIELD_SET.has(field)
    ? (context: SegmentContext) => context.predictions?.[field as keyof CustomerPredictions] ?? null
    : (context: SegmentContext) => reader(context.customer);
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
  return compiledFlip(condition)(context);
}

type Flip = (context: SegmentContext) => number | null;

/** Review instants are computed after every judgement: each condition's is turned into a closure once. */
const flips = new WeakMap<SegmentCondition, Flip>();
const NEVER: Flip = () => null;

function compiledFlip(condition: SegmentCondition): Flip {
  let flip = flips.get(condition);
  if (!flip) {
    flip = compileFlip(condition);
    flips.set(condition, flip);
  }
  return flip;
}

function compileFlip(condition: SegmentCondition): Flip {
  if ('all' in condition || 'any' in condition) {
    const parts = ('all' in condition ? condition.all : condition.any).map(compiledFlip);
    return (context) => {
      let best: number | null = null;
      for (const part of parts) {
        const flip = part(context);
        if (flip !== null && (best === null || flip < best)) best = flip;
      }
      return best;
    };
  }
  if ('not' in condition) return compiledFlip(condition.not);
  if ('segment' in condition) return NEVER;
  if ('event' in condition) {
    const key = historyKey(condition.event, condition.where);
    const { withinDays } = condition;
    return (context) => nextWindowChange(context.customer.activity, key, withinDays, context.at);
  }
  if (condition.op !== 'withinLast' && condition.op !== 'notWithinLast') return NEVER;
  const read = fieldReader(condition.field);
  const duration = condition.durationMs!;
  return (context) => {
    const actual = read(context.customer);
    if (typeof actual !== 'string') return null;
    const instant = Date.parse(actual) + duration;
    return instant > context.at ? instant : null;
  };
}
