import { majorText, minorUnits } from '../format/money';
import { BARE_OPERATORS, DURATION_OPERATORS, EVENT_TYPES, FIELD_OPERATORS, fieldSpec, LIST_OPERATORS, OPERATORS_OF, type FieldOperator, type FieldSpec } from './segment-vocabulary';

/**
 * The segment builder's form, and its conversion to and from a definition as the API takes it
 * (POST /v1/segments). The form holds what its inputs hold (texts); typing happens on the way
 * to the definition, so a definition read into the form and written back is the same.
 */

/** A duration as its inputs hold it: `30` and `d`. */
export interface DurationInput {
  readonly amount: string;
  readonly unit: string;
}

export interface FieldInput {
  readonly kind: 'field';
  readonly key: string;
  /** The field's name, and the part after its dot for keyed fields (`netRevenue` and `EUR`). */
  readonly field: string;
  readonly fieldKey: string;
  readonly op: FieldOperator;
  /** The single value (major units for money, an ISO instant for dates, true/false), the values of in/nin, the duration of withinLast. */
  readonly value: string;
  readonly values: readonly string[];
  readonly duration: DurationInput;
}

export interface EventInput {
  readonly kind: 'event';
  readonly key: string;
  readonly event: string;
  /** The property the count is kept by ('' for the type alone), and its value. */
  readonly whereKey: string;
  readonly whereValue: string;
  readonly atLeast: string;
  readonly atMost: string;
  readonly within: DurationInput;
}

export interface MembershipInput {
  readonly kind: 'segment';
  readonly key: string;
  readonly segment: string;
  readonly member: boolean;
}

export interface GroupInput {
  readonly kind: 'all' | 'any';
  readonly key: string;
  readonly children: readonly ConditionInput[];
}

export interface NotInput {
  readonly kind: 'not';
  readonly key: string;
  readonly child: ConditionInput;
}

export type ConditionInput = GroupInput | NotInput | FieldInput | EventInput | MembershipInput;
export type ConditionKind = ConditionInput['kind'];

export interface SegmentForm {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly conditions: ConditionInput;
}

/** What the form needs beyond itself: the engine's base currency (the predictions' money), when known. */
export interface FormContext {
  readonly baseCurrency: string | null;
}

/** A definition the form cannot show, and where: it stays editable as JSON. */
export type FormReading = { readonly ok: true; readonly form: SegmentForm } | { readonly ok: false; readonly field: string; readonly reason: string };

type Json = Record<string, unknown>;

let keys = 0;
/** A key for React's lists; it never reaches a definition. */
export const nextKey = (): string => `c${++keys}`;

// ---------------------------------------------------------------------------------------------
// Form → definition

/** The definition the form says, in the API's shape; empty inputs are left out, for the API to name. */
export function toDefinition(form: SegmentForm, context: FormContext): Json {
  return {
    id: form.id,
    name: form.name,
    ...(form.description !== '' ? { description: form.description } : {}),
    conditions: conditionOf(form.conditions, context),
  };
}

function conditionOf(input: ConditionInput, context: FormContext): Json {
  switch (input.kind) {
    case 'all':
      return { all: input.children.map((child) => conditionOf(child, context)) };
    case 'any':
      return { any: input.children.map((child) => conditionOf(child, context)) };
    case 'not':
      return { not: conditionOf(input.child, context) };
    case 'segment':
      return { segment: input.segment, member: input.member };
    case 'event':
      return {
        event: input.event,
        ...(input.whereKey !== '' ? { where: { [input.whereKey]: input.whereValue } } : {}),
        ...(input.atLeast !== '' ? { atLeast: wholeNumber(input.atLeast) } : {}),
        ...(input.atMost !== '' ? { atMost: wholeNumber(input.atMost) } : {}),
        within: durationText(input.within),
      };
    case 'field':
      return fieldCondition(input, context);
    default:
      return unreachable(input);
  }
}

function fieldCondition(input: FieldInput, context: FormContext): Json {
  const spec = fieldSpec(input.field);
  const field = spec?.key ? `${input.field}.${input.fieldKey}` : input.field;
  if (BARE_OPERATORS.has(input.op)) return { field, op: input.op };
  if (DURATION_OPERATORS.has(input.op)) return { field, op: input.op, value: durationText(input.duration) };
  if (LIST_OPERATORS.has(input.op)) return { field, op: input.op, value: input.values.map((value) => typed(value, spec, input, context)) };
  const value = typed(input.value, spec, input, context);
  return value === undefined ? { field, op: input.op } : { field, op: input.op, value };
}

/** A value's text as the field's type; text that is no value of the type goes as typed, for the API to name. */
function typed(text: string, spec: FieldSpec | undefined, input: FieldInput, context: FormContext): unknown {
  if (text === '') return undefined;
  switch (spec?.kind) {
    case 'number':
      return Number.isFinite(Number(text)) ? Number(text) : text;
    case 'money': {
      // With no currency known the input takes minor units (as it says), which go as typed.
      const currency = moneyCurrency(spec, input.fieldKey, context);
      return currency === null ? (/^-?\d+$/.test(text) ? Number(text) : text) : (minorUnits(text, currency) ?? text);
    }
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    default:
      return text;
  }
}

/** The currency a money field's amounts are in: its key (netRevenue.EUR) or the base currency; null when not known. */
export function moneyCurrency(spec: FieldSpec, fieldKey: string, context: FormContext): string | null {
  if (spec.key === 'currency') return /^[A-Z]{3}$/.test(fieldKey) ? fieldKey : null;
  return context.baseCurrency;
}

function wholeNumber(text: string): number | string {
  return /^\d+$/.test(text) ? Number(text) : text;
}

function durationText(duration: DurationInput): string {
  return `${duration.amount}${duration.unit}`;
}

// ---------------------------------------------------------------------------------------------
// Definition → form

class Unreadable extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field} ${reason}`);
  }
}

/** The form showing a definition, or where the definition says what the form cannot show. */
export function toForm(definition: unknown, context: FormContext): FormReading {
  try {
    if (!isObject(definition)) throw new Unreadable('body', 'is not a segment object');
    only(definition, ['id', 'name', 'description', 'conditions'], '');
    return {
      ok: true,
      form: {
        id: text(definition.id, 'id'),
        name: text(definition.name, 'name'),
        description: definition.description === undefined ? '' : text(definition.description, 'description'),
        conditions: conditionInput(definition.conditions, 'conditions', context),
      },
    };
  } catch (error) {
    if (error instanceof Unreadable) return { ok: false, field: error.field, reason: error.reason };
    throw error;
  }
}

function conditionInput(input: unknown, path: string, context: FormContext): ConditionInput {
  if (!isObject(input)) throw new Unreadable(path, 'is not a condition object');
  for (const kind of ['all', 'any'] as const) {
    if (input[kind] === undefined) continue;
    only(input, [kind], path);
    const list = input[kind];
    if (!Array.isArray(list)) throw new Unreadable(`${path}.${kind}`, 'is not a list');
    return { kind, key: nextKey(), children: list.map((child, i) => conditionInput(child, `${path}.${kind}[${i}]`, context)) };
  }
  if (input.not !== undefined) {
    only(input, ['not'], path);
    return { kind: 'not', key: nextKey(), child: conditionInput(input.not, `${path}.not`, context) };
  }
  if (input.segment !== undefined) {
    only(input, ['segment', 'member'], path);
    if (input.member !== undefined && typeof input.member !== 'boolean') throw new Unreadable(`${path}.member`, 'is not true or false');
    return { kind: 'segment', key: nextKey(), segment: text(input.segment, `${path}.segment`), member: input.member ?? true };
  }
  if (input.event !== undefined) return eventInput(input, path);
  if (input.field !== undefined) return fieldInput(input, path, context);
  throw new Unreadable(path, 'holds none of all, any, not, field, event or segment');
}

function eventInput(input: Json, path: string): EventInput {
  only(input, ['event', 'where', 'atLeast', 'atMost', 'within'], path);
  const event = text(input.event, `${path}.event`);
  if (!(EVENT_TYPES as readonly string[]).includes(event)) throw new Unreadable(`${path}.event`, 'is not an event type');
  let whereKey = '';
  let whereValue = '';
  if (input.where !== undefined) {
    const entries = isObject(input.where) ? Object.entries(input.where) : [];
    if (entries.length !== 1 || typeof entries[0]![1] !== 'string') throw new Unreadable(`${path}.where`, 'is not one property and its text');
    [whereKey, whereValue] = entries[0] as [string, string];
  }
  return {
    kind: 'event',
    key: nextKey(),
    event,
    whereKey,
    whereValue,
    atLeast: count(input.atLeast, `${path}.atLeast`),
    atMost: count(input.atMost, `${path}.atMost`),
    within: duration(input.within, `${path}.within`),
  };
}

function fieldInput(input: Json, path: string, context: FormContext): FieldInput {
  only(input, ['field', 'op', 'value'], path);
  const name = text(input.field, `${path}.field`);
  const dot = name.indexOf('.');
  const spec = fieldSpec(dot > 0 ? name.slice(0, dot) : name);
  if (!spec || Boolean(spec.key) !== dot > 0) throw new Unreadable(`${path}.field`, 'is not a field the form knows');
  const fieldKey = dot > 0 ? name.slice(dot + 1) : '';
  const op = input.op as FieldOperator;
  if (!FIELD_OPERATORS.includes(op) || !OPERATORS_OF[spec.kind].includes(op)) throw new Unreadable(`${path}.op`, `is not an operator the form offers for ${name}`);
  const blank = { kind: 'field', key: nextKey(), field: spec.name, fieldKey, op, value: '', values: [], duration: { amount: '30', unit: 'd' } } as const;
  if (BARE_OPERATORS.has(op)) return blank;
  if (DURATION_OPERATORS.has(op)) return { ...blank, duration: duration(input.value, `${path}.value`) };
  const valueText = (value: unknown): string => {
    const shown = valueInput(value, spec, fieldKey, context);
    if (shown === undefined) throw new Unreadable(`${path}.value`, `is not a value the form shows for ${name}`);
    return shown;
  };
  if (LIST_OPERATORS.has(op)) {
    if (!Array.isArray(input.value)) throw new Unreadable(`${path}.value`, 'is not a list');
    return { ...blank, values: input.value.map(valueText) };
  }
  return { ...blank, value: valueText(input.value) };
}

/** The text an input shows for a value of the field, undefined when the form would write it back otherwise. */
function valueInput(value: unknown, spec: FieldSpec, fieldKey: string, context: FormContext): string | undefined {
  switch (spec.kind) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
    case 'money': {
      const currency = moneyCurrency(spec, fieldKey, context);
      return currency !== null && Number.isSafeInteger(value) ? majorText(value as number, currency) : undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? String(value) : undefined;
    case 'enum':
      return typeof value === 'string' && spec.values!.includes(value) ? value : undefined;
    case 'date':
      return utcDay(value);
    case 'text':
    case 'list':
      return typeof value === 'string' && value !== '' ? value : undefined;
    default:
      return unreachable(spec.kind);
  }
}

/**
 * An instant the date input (a UTC day) shows as it is: midnight UTC, as the input writes it back.
 * Any other instant ('2025-03-01T00:00:00+05:00' is 28 February, 19:00 UTC) stays in the JSON view.
 */
function utcDay(value: unknown): string | undefined {
  return typeof value === 'string' && Date.parse(value) % 86_400_000 === 0 ? value : undefined;
}

/** The UTC day a date condition's instant falls on, as a date input holds it ('' for no instant). */
export function dateInputValue(value: string): string {
  const instant = new Date(value);
  return value === '' || Number.isNaN(instant.getTime()) ? '' : instant.toISOString().slice(0, 10);
}

function duration(value: unknown, path: string): DurationInput {
  const match = typeof value === 'string' ? /^(\d+)([a-z]+)$/.exec(value) : null;
  if (!match) throw new Unreadable(path, 'is not a duration such as 90d');
  return { amount: match[1]!, unit: match[2]! };
}

function count(value: unknown, path: string): string {
  if (value === undefined) return '';
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw new Unreadable(path, 'is not a whole number');
  return String(value);
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new Unreadable(path, 'is not a text');
  return value;
}

function only(input: Json, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(input)) if (!allowed.includes(key)) throw new Unreadable(path ? `${path}.${key}` : key, 'is not a field the form shows');
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function unreachable(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}

// ---------------------------------------------------------------------------------------------
// Editing

/** A new condition of a kind, with values a marketer would start from. */
export function newCondition(kind: ConditionKind, segments: readonly string[] = []): ConditionInput {
  switch (kind) {
    case 'all':
    case 'any':
      return { kind, key: nextKey(), children: [newCondition('field')] };
    case 'not':
      return { kind, key: nextKey(), child: newCondition('event') };
    case 'field':
      return { kind, key: nextKey(), field: 'stage', fieldKey: '', op: 'eq', value: 'first_time', values: [], duration: { amount: '30', unit: 'd' } };
    case 'event':
      return { kind, key: nextKey(), event: 'PurchaseCompleted', whereKey: '', whereValue: '', atLeast: '1', atMost: '', within: { amount: '90', unit: 'd' } };
    case 'segment':
      return { kind, key: nextKey(), segment: segments[0] ?? '', member: true };
    default:
      return unreachable(kind);
  }
}

/** A field condition moved to another field: its operator and value start afresh where the old ones do not fit. */
export function withField(input: FieldInput, field: string, context: FormContext): FieldInput {
  const spec = fieldSpec(field)!;
  const fieldKey = spec.key === 'currency' ? (context.baseCurrency ?? 'EUR') : spec.key === 'consent' ? 'email:marketing' : '';
  if (fieldSpec(input.field)?.kind === spec.kind && spec.kind !== 'enum') return { ...input, field, fieldKey: spec.key === fieldSpec(input.field)?.key ? input.fieldKey : fieldKey };
  const value = spec.kind === 'enum' ? spec.values![0]! : spec.kind === 'boolean' ? 'true' : '';
  return { ...input, field, fieldKey, op: OPERATORS_OF[spec.kind][0]!, value, values: [] };
}

/** A field condition with another operator: the value keeps what still fits (a single value, a list, a duration). */
export function withOperator(input: FieldInput, op: FieldOperator): FieldInput {
  if (LIST_OPERATORS.has(op) && !LIST_OPERATORS.has(input.op)) return { ...input, op, values: input.value === '' ? [] : [input.value] };
  if (!LIST_OPERATORS.has(op) && LIST_OPERATORS.has(input.op)) return { ...input, op, value: input.values[0] ?? input.value };
  return { ...input, op };
}

/** The form of a condition at a path (`conditions.all[1].not`), for the API's problems to be shown beside it. */
export function childPath(parent: string, input: GroupInput | NotInput, index = 0): string {
  return input.kind === 'not' ? `${parent}.not` : `${parent}.${input.kind}[${index}]`;
}

export interface Problem {
  readonly field: string;
  readonly reason: string;
}

/**
 * The problems shown beside the input at `path`: those naming it, or for a leaf condition (which
 * has no conditions below it) anything inside it. Those no input claims are shown together.
 */
export function problemsAt(problems: readonly Problem[], path: string, leaf: boolean): Problem[] {
  return problems.filter((problem) => problem.field === path || (leaf && problem.field.startsWith(`${path}.`)) || (!leaf && (problem.field === `${path}.all` || problem.field === `${path}.any`)));
}

/** The problems no input of the form claims: the body's, a reference to a missing segment, and the like. */
export function unplacedProblems(problems: readonly Problem[], form: SegmentForm): Problem[] {
  const paths = new Set(['id', 'name', 'description']);
  const leaves: string[] = [];
  const walk = (input: ConditionInput, path: string): void => {
    if (input.kind === 'all' || input.kind === 'any') {
      paths.add(path).add(`${path}.${input.kind}`);
      input.children.forEach((child, i) => walk(child, childPath(path, input, i)));
    } else if (input.kind === 'not') {
      paths.add(path);
      walk(input.child, childPath(path, input));
    } else leaves.push(path);
  };
  walk(form.conditions, 'conditions');
  return problems.filter((problem) => !paths.has(problem.field) && !leaves.some((leaf) => problem.field === leaf || problem.field.startsWith(`${leaf}.`)));
}
