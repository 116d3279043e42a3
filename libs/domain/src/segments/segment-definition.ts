import { CHURN_BANDS, isDerivedType, isEventType, isExternalId, LIFECYCLE_STAGES, RFM_SEGMENTS, VALUE_TIERS } from '@journey/contracts';
import { parseDuration } from '../rules/rule';
import { DAY_MS } from './activity';
import { FIELD_OPERATORS, HISTORY_KEYS, KEYED_FIELDS, MAX_WINDOW_DAYS, SEGMENT_FIELDS, type FieldOperator, type SegmentCondition, type SegmentDefinition } from './segment';

export interface SegmentProblem {
  readonly field: string;
  readonly reason: string;
}

export type ParsedSegment = { readonly ok: true; readonly segment: Omit<SegmentDefinition, 'version'> } | { readonly ok: false; readonly errors: readonly SegmentProblem[] };

const TOP_KEYS = new Set(['id', 'name', 'description', 'conditions']);
/** The longest withinLast / notWithinLast: a hundred years (an instant that far back or ahead is still a date). */
const MAX_FIELD_DURATION_DAYS = 36_500;
const DATE_FIELDS = new Set(['lastPurchaseAt', 'firstPurchaseAt', 'lastActivityAt', 'lastEngagementAt', 'registeredAt']);
const NUMBER_FIELDS = new Set(['orders', 'openTickets', 'nps', 'pAlive', 'churnRisk', 'clv', 'expectedAov', 'expectedPurchases30d', 'expectedPurchases90d', 'expectedPurchases365d']);
const ALLOWED_VALUES: Readonly<Record<string, readonly unknown[]>> = { stage: LIFECYCLE_STAGES, tier: VALUE_TIERS, rfmSegment: RFM_SEGMENTS, churnBand: CHURN_BANDS };
const MAX_DEPTH = 8;

/** A segment as JSON (files, the API) checked field by field and normalised; errors name the field and the reason. */
export function parseSegment(input: unknown): ParsedSegment {
  const errors: SegmentProblem[] = [];
  if (!isObject(input)) return { ok: false, errors: [{ field: 'body', reason: 'must be a segment object' }] };
  for (const key of Object.keys(input)) if (!TOP_KEYS.has(key)) errors.push({ field: key, reason: 'is not a known field of a segment' });
  if (!isExternalId(input.id)) errors.push({ field: 'id', reason: 'must be an identifier such as shoe-lovers' });
  const name = input.name;
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) errors.push({ field: 'name', reason: 'must be a text of 1 to 200 characters' });
  if (input.description !== undefined && (typeof input.description !== 'string' || input.description.length > 2000)) errors.push({ field: 'description', reason: 'must be a text of at most 2000 characters' });
  const conditions = input.conditions === undefined ? (errors.push({ field: 'conditions', reason: 'is required: {"all": [...]}, {"any": [...]}, {"not": ...} or a leaf' }), undefined) : condition(input.conditions, 'conditions', errors, 0);
  if (input.id !== undefined && conditions && references(conditions).includes(input.id as string)) errors.push({ field: 'conditions', reason: 'may not name the segment itself' });
  if (errors.length > 0 || !conditions) return { ok: false, errors };
  return { ok: true, segment: { id: input.id as string, name: name as string, conditions } };
}

function condition(input: unknown, field: string, errors: SegmentProblem[], depth: number): SegmentCondition | undefined {
  const fail = (where: string, reason: string) => (errors.push({ field: where, reason }), undefined);
  if (!isObject(input)) return fail(field, 'must be a condition object');
  if (depth > MAX_DEPTH) return fail(field, `nests deeper than ${MAX_DEPTH} levels`);
  for (const key of ['all', 'any'] as const) {
    if (input[key] === undefined) continue;
    if (!Array.isArray(input[key]) || input[key].length === 0) return fail(`${field}.${key}`, 'must be a non-empty list of conditions');
    const parts = (input[key] as unknown[]).map((part, i) => condition(part, `${field}.${key}[${i}]`, errors, depth + 1));
    if (parts.some((part) => part === undefined)) return undefined;
    return key === 'all' ? { all: parts as SegmentCondition[] } : { any: parts as SegmentCondition[] };
  }
  if (input.not !== undefined) {
    const inner = condition(input.not, `${field}.not`, errors, depth + 1);
    return inner ? { not: inner } : undefined;
  }
  if (input.segment !== undefined) return membership(input, field, errors);
  if (input.event !== undefined) return history(input, field, errors);
  if (input.field !== undefined) return leaf(input, field, errors);
  return fail(field, 'must hold all, any, not, field, event or segment');
}

function leaf(input: Record<string, unknown>, field: string, errors: SegmentProblem[]): SegmentCondition | undefined {
  const before = errors.length;
  const name = input.field;
  const op = input.op as FieldOperator;
  const keyed = typeof name === 'string' ? /^([a-zA-Z]+)\.(.+)$/.exec(name) : null;
  const known = typeof name === 'string' && ((SEGMENT_FIELDS as readonly string[]).includes(name) || (keyed !== null && (KEYED_FIELDS as readonly string[]).includes(keyed[1]!)));
  if (!known) errors.push({ field: `${field}.field`, reason: `must be one of ${SEGMENT_FIELDS.join(', ')}, netRevenue.<currency>, consent.<channel>:<purpose> or score.<model>` });
  if (keyed?.[1] === 'netRevenue' && !/^[A-Z]{3}$/.test(keyed[2]!)) errors.push({ field: `${field}.field`, reason: 'netRevenue takes an ISO 4217 currency, e.g. netRevenue.EUR' });
  if (keyed?.[1] === 'consent' && !/^[a-z_]+:[a-z_]+$/.test(keyed[2]!)) errors.push({ field: `${field}.field`, reason: 'consent takes channel:purpose, e.g. consent.email:marketing' });
  if (!FIELD_OPERATORS.includes(op)) {
    errors.push({ field: `${field}.op`, reason: `must be one of ${FIELD_OPERATORS.join(', ')}` });
    return undefined;
  }
  const value = input.value;
  let durationMs: number | undefined;
  if (op === 'withinLast' || op === 'notWithinLast') {
    durationMs = typeof value === 'string' ? parseDuration(value) : undefined;
    if (!DATE_FIELDS.has(String(name))) errors.push({ field: `${field}.op`, reason: `${op} applies to the date fields: ${[...DATE_FIELDS].join(', ')}` });
    if (durationMs === undefined || durationMs > MAX_FIELD_DURATION_DAYS * DAY_MS) {
      errors.push({ field: `${field}.value`, reason: `must be a duration such as 30d or 12h, of at most ${MAX_FIELD_DURATION_DAYS}d` });
    }
  } else if (op === 'in' || op === 'nin') {
    if (!Array.isArray(value) || value.length === 0) errors.push({ field: `${field}.value`, reason: `must be a non-empty list for ${op}` });
  } else if (op !== 'exists' && op !== 'missing' && value === undefined) {
    errors.push({ field: `${field}.value`, reason: `is required for ${op}` });
  }
  const allowed = ALLOWED_VALUES[String(name)];
  const values = Array.isArray(value) ? value : value === undefined || durationMs !== undefined ? [] : [value];
  if (allowed) for (const v of values) if (!allowed.includes(v)) errors.push({ field: `${field}.value`, reason: `must be one of ${allowed.join(', ')}; got ${JSON.stringify(v)}` });
  const numeric = NUMBER_FIELDS.has(String(name)) || keyed?.[1] === 'netRevenue' || keyed?.[1] === 'score';
  if (numeric) for (const v of values) if (typeof v !== 'number') errors.push({ field: `${field}.value`, reason: 'must be a number' });
  if (DATE_FIELDS.has(String(name)) && durationMs === undefined) for (const v of values) if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) errors.push({ field: `${field}.value`, reason: 'must be an ISO 8601 instant' });
  if (errors.length > before) return undefined;
  const normalised = DATE_FIELDS.has(String(name)) && typeof value === 'string' && durationMs === undefined ? new Date(value).toISOString() : value;
  return durationMs === undefined ? { field: name as string, op, value: normalised } : { field: name as string, op, durationMs };
}

function history(input: Record<string, unknown>, field: string, errors: SegmentProblem[]): SegmentCondition | undefined {
  const before = errors.length;
  const event = input.event;
  if (!isEventType(event)) return (errors.push({ field: `${field}.event`, reason: 'must be an event type' }), undefined);
  if (isDerivedType(event)) {
    // The 360 counts what customers and upstream apps did; the engine's own records are in the log.
    errors.push({ field: `${field}.event`, reason: `history is kept of the events upstream apps publish, not of ${event}, which the engine derives` });
    return undefined;
  }
  let where: Record<string, string> | undefined;
  if (input.where !== undefined) {
    const keys = HISTORY_KEYS[event] ?? [];
    if (!isObject(input.where)) errors.push({ field: `${field}.where`, reason: 'must be an object of field: value' });
    else {
      where = {};
      for (const [key, value] of Object.entries(input.where)) {
        if (!keys.includes(key)) errors.push({ field: `${field}.where.${key}`, reason: keys.length ? `history of ${event} is kept by ${keys.join(', ')} only` : `history of ${event} is kept by type only` });
        else if (typeof value !== 'string' || value.length === 0 || value.length > 200) errors.push({ field: `${field}.where.${key}`, reason: 'must be a text of 1 to 200 characters' });
        else where[key] = value;
      }
    }
  }
  const within = typeof input.within === 'string' ? parseDuration(input.within) : undefined;
  if (within === undefined || within % DAY_MS !== 0 || within / DAY_MS < 1 || within / DAY_MS > MAX_WINDOW_DAYS) {
    errors.push({ field: `${field}.within`, reason: `must be whole days from 1d to ${MAX_WINDOW_DAYS}d (or weeks), e.g. 90d` });
  }
  const count = (key: 'atLeast' | 'atMost') => {
    const value = input[key];
    if (value === undefined) return undefined;
    if (!Number.isInteger(value) || (value as number) < 0) errors.push({ field: `${field}.${key}`, reason: 'must be a whole number of at least 0' });
    return value as number;
  };
  const atLeast = count('atLeast');
  const atMost = count('atMost');
  if (atLeast === undefined && atMost === undefined) errors.push({ field: `${field}.atLeast`, reason: 'atLeast or atMost is required (atMost 0 for "none")' });
  for (const key of Object.keys(input)) if (!['event', 'where', 'within', 'atLeast', 'atMost'].includes(key)) errors.push({ field: `${field}.${key}`, reason: 'is not a field of an event-history condition' });
  if (errors.length > before) return undefined;
  return { event, ...(where ? { where } : {}), ...(atLeast !== undefined ? { atLeast } : {}), ...(atMost !== undefined ? { atMost } : {}), withinDays: within! / DAY_MS };
}

function membership(input: Record<string, unknown>, field: string, errors: SegmentProblem[]): SegmentCondition | undefined {
  if (!isExternalId(input.segment)) return (errors.push({ field: `${field}.segment`, reason: 'must be a segment id' }), undefined);
  const member = input.member === undefined ? true : input.member;
  if (typeof member !== 'boolean') return (errors.push({ field: `${field}.member`, reason: 'must be true or false' }), undefined);
  return { segment: input.segment, member };
}

function references(condition: SegmentCondition): string[] {
  if ('all' in condition) return condition.all.flatMap(references);
  if ('any' in condition) return condition.any.flatMap(references);
  if ('not' in condition) return references(condition.not);
  return 'segment' in condition ? [condition.segment] : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
