import type { Condition } from './rule';

/** What conditions look at: the event, the customer 360 (as the API shows it), the rule's parameters. */
export interface ConditionContext {
  readonly event: unknown;
  readonly customer: unknown;
  readonly params: unknown;
  /** The instant of the decision, for calendar operators. */
  readonly now: number;
  /** The customer's time zone, for calendar operators. */
  readonly timezone?: string;
}

export interface ConditionTrace {
  readonly condition: string;
  readonly passed: boolean;
  readonly actual?: unknown;
}

/** Whether the condition holds; with `trace`, every leaf's outcome is recorded (for dry runs). */
export function evaluate(condition: Condition | undefined, context: ConditionContext, trace?: ConditionTrace[]): boolean {
  if (condition === undefined) return true;
  if ('all' in condition) {
    let ok = true;
    for (const part of condition.all) ok = evaluate(part, context, trace) && ok;
    return ok;
  }
  if ('any' in condition) {
    let ok = false;
    for (const part of condition.any) ok = evaluate(part, context, trace) || ok;
    return ok;
  }
  if ('not' in condition) {
    const inner: ConditionTrace[] = [];
    const ok = !evaluate(condition.not, context, inner);
    trace?.push({ condition: `not (${inner.map((t) => t.condition).join(', ')})`, passed: ok });
    return ok;
  }
  const actual = resolvePath(context, condition.path);
  const passed = compare(condition.op, actual, condition.value, context);
  trace?.push({ condition: `${condition.path} ${condition.op}${condition.value === undefined ? '' : ` ${JSON.stringify(condition.value)}`}`, passed, actual });
  return passed;
}

/** `customer.consent.email:marketing.granted`: dots separate keys; keys may hold colons. */
export function resolvePath(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function compare(op: string, actual: unknown, expected: unknown, context: ConditionContext): boolean {
  switch (op) {
    case 'eq':
      return actual === expected;
    case 'ne':
      return actual !== expected;
    case 'gt':
      return comparable(actual, expected) && (actual as number) > (expected as number);
    case 'gte':
      return comparable(actual, expected) && (actual as number) >= (expected as number);
    case 'lt':
      return comparable(actual, expected) && (actual as number) < (expected as number);
    case 'lte':
      return comparable(actual, expected) && (actual as number) <= (expected as number);
    case 'in':
      return Array.isArray(expected) && expected.includes(actual);
    case 'nin':
      return Array.isArray(expected) && !expected.includes(actual);
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'missing':
      return actual === undefined || actual === null;
    case 'contains':
      return (Array.isArray(actual) && actual.includes(expected)) || (typeof actual === 'string' && typeof expected === 'string' && actual.includes(expected));
    case 'startsWith':
      return typeof actual === 'string' && typeof expected === 'string' && actual.startsWith(expected);
    case 'birthdayToday':
      return typeof actual === 'string' && isBirthday(actual.slice(5, 10), context.now, context.timezone);
    default:
      return false;
  }
}

function comparable(a: unknown, b: unknown): boolean {
  return (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
}

/** Whether a birthday ("MM-DD") falls on the local day of `at`: 29 February on the 28th in other years. */
export function isBirthday(born: string, at: number, timezone?: string): boolean {
  const today = localParts(at, timezone);
  const monthAndDay = `${String(today.month).padStart(2, '0')}-${String(today.day).padStart(2, '0')}`;
  if (born === monthAndDay) return true;
  const leap = (today.year % 4 === 0 && today.year % 100 !== 0) || today.year % 400 === 0;
  return born === '02-29' && monthAndDay === '02-28' && !leap;
}

/** The local date ("YYYY-MM-DD") of an instant in a time zone (UTC when none or unknown). */
export function localDate(at: number, timezone?: string): string {
  const parts = localParts(at, timezone);
  return `${String(parts.year).padStart(4, '0')}-${String(parts.month).padStart(2, '0')}-${String(parts.day).padStart(2, '0')}`;
}

/** "MM-DD" of an instant in a time zone (UTC when none or unknown). */
export function monthDay(at: number, timezone?: string): string {
  const parts = localParts(at, timezone);
  return `${String(parts.month).padStart(2, '0')}-${String(parts.day).padStart(2, '0')}`;
}

/** The wall-clock fields of an instant in a time zone. */
export function localParts(at: number, timezone?: string): { year: number; month: number; day: number; hour: number; minute: number } {
  const fields: Record<string, number> = {};
  for (const part of formatIn(timezone).formatToParts(new Date(at))) if (part.type !== 'literal') fields[part.type] = Number(part.value);
  return { year: fields.year!, month: fields.month!, day: fields.day!, hour: fields.hour!, minute: fields.minute! };
}

/** One formatter per time zone named (names are few; the bound keeps odd spellings from growing it); an unknown zone reads as UTC. */
const FORMATS = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATS = 1_000;

function formatIn(timezone = 'UTC'): Intl.DateTimeFormat {
  let format = FORMATS.get(timezone);
  if (format) return format;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
  } catch {
    return formatIn('UTC');
  }
  if (FORMATS.size >= MAX_FORMATS) FORMATS.clear();
  FORMATS.set(timezone, format);
  return format;
}
