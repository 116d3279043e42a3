import { dayOf, historyKey, PREDICTION_FIELDS, type SegmentCondition, type SegmentDefinition } from '@journey/domain';

/**
 * A conservative SQL test over a row of journey.customer_360 that picks out, among the rows a
 * backfill reads, those whose judgement of one segment may have to be written: it is false only
 * for customers who are surely not members, surely stay out with time alone, and are judged at
 * the job's instant. The code stays the only judge (decideMemberships on the rows picked); this
 * only spares the backfill the rows it would have judged to no effect, so the two cannot disagree
 * on a membership. Parameters are numbered from `first`.
 */
export function candidateFilter(segment: SegmentDefinition | undefined, segmentId: string, at: number, first: number): { readonly sql: string; readonly params: unknown[] } {
  const c = compiling(at);
  // A member may have to leave; a customer judged after the job's instant is judged at that later one.
  const parts = [`coalesce(member_of @> ARRAY[${c.bind(segmentId)}]::text[], false)`, `coalesce(segments_at > ${c.bind(new Date(at).toISOString())}::timestamptz, false)`];
  if (segment) {
    const bounds = boundsOf(segment.conditions, c);
    parts.push(bounds.canHold, bounds.canFlip);
  }
  const { sql: [sql], params } = numbered([or(parts)], c.values, first);
  return { sql: sql!, params };
}

/** The three tests of a condition judged at `at`, with their parameters numbered from `first`. */
export function conditionTests(condition: SegmentCondition, at: number, first: number): ConditionBounds & { readonly params: unknown[] } {
  const c = compiling(at);
  const bounds = boundsOf(condition, c);
  const { sql, params } = numbered([bounds.canHold, bounds.canFail, bounds.canFlip], c.values, first);
  return { canHold: sql[0]!, canFail: sql[1]!, canFlip: sql[2]!, params };
}

/** Values are bound by a placeholder: the parts of a test that come out as always true or false take theirs with them. */
function compiling(at: number): Compiling & { readonly values: unknown[] } {
  const values: unknown[] = [];
  return { at, values, bind: (value) => `{${values.push(value) - 1}}` };
}

/** The placeholders numbered in the order they appear, each value bound once. */
function numbered(sql: readonly string[], values: readonly unknown[], first: number): { sql: string[]; params: unknown[] } {
  const params: unknown[] = [];
  const numbers = new Map<string, string>();
  const replace = (text: string) =>
    text.replace(/\{(\d+)\}/g, (placeholder: string, n: string) => {
      let number = numbers.get(placeholder);
      if (number === undefined) {
        number = `$${first + params.push(values[Number(n)]) - 1}`;
        numbers.set(placeholder, number);
      }
      return number;
    });
  return { sql: sql.map(replace), params };
}

/**
 * Conservative SQL tests of a condition at the instant: `canHold` is false only when the condition
 * surely does not hold, `canFail` only when it surely holds, `canFlip` only when time alone can
 * never change it (nextFlip is null). Each is true, false or a test that is never NULL.
 */
export interface ConditionBounds {
  readonly canHold: string;
  readonly canFail: string;
  readonly canFlip: string;
}

interface Compiling {
  readonly at: number;
  readonly bind: (value: unknown) => string;
}

const UNKNOWN: ConditionBounds = { canHold: 'true', canFail: 'true', canFlip: 'false' };
const PREDICTION_FIELD_SET: ReadonlySet<string> = new Set(PREDICTION_FIELDS);

function boundsOf(condition: SegmentCondition, c: Compiling): ConditionBounds {
  if ('all' in condition || 'any' in condition) {
    const parts = ('all' in condition ? condition.all : condition.any).map((part) => boundsOf(part, c));
    const holds = parts.map((part) => part.canHold);
    const fails = parts.map((part) => part.canFail);
    const flips = or(parts.map((part) => part.canFlip));
    return 'all' in condition ? { canHold: and(holds), canFail: or(fails), canFlip: flips } : { canHold: or(holds), canFail: and(fails), canFlip: flips };
  }
  if ('not' in condition) {
    const inner = boundsOf(condition.not, c);
    return { canHold: inner.canFail, canFail: inner.canHold, canFlip: inner.canFlip };
  }
  if ('segment' in condition) {
    const member = `coalesce(member_of @> ARRAY[${c.bind(condition.segment)}]::text[], false)`;
    return exact(condition.member ? member : `NOT ${member}`);
  }
  if ('event' in condition) {
    // Days of the key, newest last: a count in the window (or a day still to enter or leave it)
    // needs the newest day after the window's first one.
    const newest = `(activity::json -> ${c.bind(historyKey(condition.event, condition.where))}::text ->> -2)::bigint`;
    const inWindow = `coalesce(${newest} > ${dayOf(c.at) - condition.withinDays}, false)`;
    const atLeast = condition.atLeast ?? 0;
    return {
      canHold: atLeast > 0 ? inWindow : 'true',
      canFail: atLeast > 0 ? 'true' : condition.atMost !== undefined ? inWindow : 'false',
      canFlip: inWindow,
    };
  }
  return fieldBounds(condition, c);
}

type FieldCondition = Extract<SegmentCondition, { readonly field: string }>;

/** Numeric fields as SQL over the row: never NULL, except where the 360 has no value (null). */
const NUMBERS: Readonly<Record<string, string>> = { orders: 'orders', openTickets: 'jsonb_array_length(open_tickets)', nps: 'nps::numeric' };
/** Text fields that are columns of their own (the lifecycle stage, the value tier, the RFM segment). */
const TEXTS: Readonly<Record<string, string>> = { stage: 'stage', tier: 'tier', rfmSegment: 'segment' };
const DATES: Readonly<Record<string, string>> = {
  lastPurchaseAt: 'last_purchase_at',
  firstPurchaseAt: 'first_purchase_at',
  lastActivityAt: 'last_activity_at',
  lastEngagementAt: 'last_engagement_at',
  registeredAt: 'registered_at',
};

function fieldBounds(condition: FieldCondition, c: Compiling): ConditionBounds {
  const { field, op, value } = condition;
  if (PREDICTION_FIELD_SET.has(field)) return UNKNOWN;
  if (op === 'withinLast' || op === 'notWithinLast') {
    const column = DATES[field];
    if (!column || condition.durationMs === undefined) return { ...UNKNOWN, canFlip: 'true' };
    // A millisecond either side: the 360 keeps instants to the millisecond, the column may hold finer.
    const since = c.at - condition.durationMs;
    const recent = `coalesce(${column} > ${c.bind(new Date(since - 1).toISOString())}::timestamptz, false)`;
    const old = `coalesce(${column} <= ${c.bind(new Date(since + 1).toISOString())}::timestamptz, true)`;
    return op === 'withinLast' ? { canHold: recent, canFail: old, canFlip: recent } : { canHold: old, canFail: recent, canFlip: recent };
  }
  if (field.startsWith('netRevenue.')) {
    const currency = c.bind(field.slice('netRevenue.'.length));
    return numeric(`(coalesce((revenue ->> ${currency}::text)::numeric, 0) - coalesce((refunds ->> ${currency}::text)::numeric, 0))`, op, value, c);
  }
  if (NUMBERS[field]) return numeric(NUMBERS[field], op, value, c);
  if (TEXTS[field]) return text(TEXTS[field], op, value, c);
  if (field === 'country' || field === 'city') {
    // The 360 reads the profile's value, which is text when present.
    return text(`(CASE WHEN jsonb_typeof(profile -> '${field}') = 'string' THEN profile ->> '${field}' END)`, op, value, c, `coalesce(jsonb_typeof(profile -> '${field}') <> 'null', false)`);
  }
  if (field.startsWith('consent.') && (op === 'eq' || op === 'ne') && typeof value === 'boolean') {
    const granted = `coalesce(consent -> ${c.bind(field.slice('consent.'.length))}::text -> 'granted' = 'true'::jsonb, false)`;
    return exact((op === 'eq') === value ? granted : `NOT ${granted}`);
  }
  if (field === 'topCategories' && op === 'contains' && typeof value === 'string') return exact(`coalesce(categories ? ${c.bind(value)}::text, false)`);
  return UNKNOWN;
}

function numeric(expression: string, op: FieldCondition['op'], value: unknown, c: Compiling): ConditionBounds {
  const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const compare = (operator: string) => exact(`coalesce(${expression} ${operator} ${c.bind(value)}::numeric, false)`);
  switch (op) {
    case 'eq':
      return isNumber(value) ? compare('=') : UNKNOWN;
    case 'ne':
      return isNumber(value) ? exact(`coalesce(${expression} <> ${c.bind(value)}::numeric, true)`) : UNKNOWN;
    case 'gt':
      return isNumber(value) ? compare('>') : UNKNOWN;
    case 'gte':
      return isNumber(value) ? compare('>=') : UNKNOWN;
    case 'lt':
      return isNumber(value) ? compare('<') : UNKNOWN;
    case 'lte':
      return isNumber(value) ? compare('<=') : UNKNOWN;
    case 'in':
    case 'nin': {
      if (!Array.isArray(value) || !value.every(isNumber)) return UNKNOWN;
      const found = `coalesce(${expression} = ANY(${c.bind(value)}::numeric[]), false)`;
      return exact(op === 'in' ? found : `NOT ${found}`);
    }
    case 'exists':
      return exact(`${expression} IS NOT NULL`);
    case 'missing':
      return exact(`${expression} IS NULL`);
    default:
      return UNKNOWN;
  }
}

function text(expression: string, op: FieldCondition['op'], value: unknown, c: Compiling, exists = `${expression} IS NOT NULL`): ConditionBounds {
  switch (op) {
    case 'eq':
    case 'ne': {
      if (typeof value !== 'string') return UNKNOWN;
      const equal = `coalesce(${expression} = ${c.bind(value)}::text, false)`;
      return exact(op === 'eq' ? equal : `NOT ${equal}`);
    }
    case 'in':
    case 'nin': {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return UNKNOWN;
      const found = `coalesce(${expression} = ANY(${c.bind(value)}::text[]), false)`;
      return exact(op === 'in' ? found : `NOT ${found}`);
    }
    case 'exists':
      return exact(exists);
    case 'missing':
      return exact(`NOT ${exists}`);
    default:
      return UNKNOWN;
  }
}

/** A test that is exactly the condition (never NULL), which time does not change. */
function exact(test: string): ConditionBounds {
  return { canHold: test, canFail: `NOT (${test})`, canFlip: 'false' };
}

function and(parts: readonly string[]): string {
  if (parts.includes('false')) return 'false';
  const kept = [...new Set(parts.filter((part) => part !== 'true'))];
  return kept.length === 0 ? 'true' : kept.length === 1 ? kept[0]! : `(${kept.join(' AND ')})`;
}

function or(parts: readonly string[]): string {
  if (parts.includes('true')) return 'true';
  const kept = [...new Set(parts.filter((part) => part !== 'false'))];
  return kept.length === 0 ? 'false' : kept.length === 1 ? kept[0]! : `(${kept.join(' OR ')})`;
}
