import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import { EVENT_CATALOGUE, isEventType, isPublishableType, publishRefusal, type JourneyEvent } from './catalogue';
import { compileContract } from './compiled-contract';
import { EnvelopeContract, type EventMetadata } from './envelope';
import { MAX_CLOCK_SKEW_MS, MAX_ERROR_TEXT, MAX_EVENT_BYTES, MAX_FIELD_ERRORS, MAX_ID_LENGTH, MAX_METADATA_BYTES } from './limits';

export interface FieldError {
  /** Where the problem is, as a path into the event: `data.items[0].unitPrice`. */
  readonly field: string;
  readonly reason: string;
}

export type ValidationResult =
  | { readonly ok: true; readonly event: JourneyEvent }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

export interface ValidateOptions {
  /** The present instant, against which future `occurredAt` values are refused. */
  readonly now: Date;
  /**
   * Derived events (source `journey`) and CustomerForgotten are accepted only from the engine
   * itself (see `publishRefusal`).
   */
  readonly allowDerived?: boolean;
}

const VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** The types upstream apps may publish, named in the answer to an unknown one. */
const PUBLISHABLE_TYPES = (Object.keys(EVENT_CATALOGUE) as Array<keyof typeof EVENT_CATALOGUE>).filter(isPublishableType);
const OWNER_FIELDS = ['customerId', 'anonymousId'] as const;
const MAX_DEPTH = 16;
/** The longest type the envelope takes (and so the most of an unknown one a reason repeats). */
const MAX_TYPE_LENGTH = 100;
const EARLIEST = Date.parse('1970-01-01T00:00:00Z');

/**
 * Validates one event as an upstream app sent it (parsed JSON) and returns it normalised:
 * version defaulted, `occurredAt` in UTC with milliseconds, metadata present.
 */
export function validateEvent(input: unknown, options: ValidateOptions): ValidationResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return fail('', 'must be a JSON object');
  }
  const bound = cleanSizeBound(input, 0);
  if (bound < 0) {
    const structural: FieldError[] = [];
    inspectJson(input, '', 0, structural);
    return { ok: false, errors: capErrors(structural) };
  }
  const size = sizeOver(input, bound, MAX_EVENT_BYTES);
  if (size !== undefined) return fail('', `is ${size} bytes; an event may be at most ${MAX_EVENT_BYTES} bytes`);

  const raw = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  checkContract(EnvelopeContract, raw, '', errors);

  // An optional field's null passes class-validator: as an owner it would name the stream customer-null.
  const nulls = OWNER_FIELDS.filter((field) => raw[field] === null);
  for (const field of nulls) errors.push({ field, reason: 'must not be null: give the id, or leave the field out' });
  const hasCustomer = raw.customerId !== undefined;
  const hasVisitor = raw.anonymousId !== undefined;
  if (nulls.length === 0 && hasCustomer === hasVisitor) {
    errors.push({
      field: hasCustomer ? 'anonymousId' : 'customerId',
      reason: hasCustomer
        ? 'must be absent when customerId is given: an event belongs to one customer or one visitor'
        : 'is required (or anonymousId, for a visitor not yet identified)',
    });
  }
  checkOccurredAt(raw.occurredAt, options.now, errors);
  checkMetadata(raw.metadata, errors);

  const type = raw.type;
  if (!isEventType(type)) {
    if (typeof type === 'string') errors.push({ field: 'type', reason: `is not a known event type: ${excerpt(type, MAX_TYPE_LENGTH)} (known: ${PUBLISHABLE_TYPES.join(', ')})` });
  } else {
    const entry = EVENT_CATALOGUE[type];
    const refusal = options.allowDerived ? undefined : publishRefusal(type);
    if (refusal !== undefined) errors.push({ field: 'type', reason: refusal });
    const version = raw.version ?? entry.version;
    if (typeof version === 'number' && version !== entry.version) {
      errors.push({ field: 'version', reason: `${type} version ${version} is not supported (current: ${entry.version})` });
    }
    if (raw.data !== null && typeof raw.data === 'object' && !Array.isArray(raw.data)) {
      checkContract(entry.data, raw.data as Record<string, unknown>, 'data', errors);
    }
  }
  if (errors.length > 0) return { ok: false, errors: capErrors(errors) };

  const event = {
    eventId: (raw.eventId as string).toLowerCase(),
    type,
    version: EVENT_CATALOGUE[type as keyof typeof EVENT_CATALOGUE].version,
    ...(hasCustomer ? { customerId: raw.customerId } : { anonymousId: raw.anonymousId }),
    occurredAt: new Date(raw.occurredAt as string).toISOString(),
    source: raw.source,
    data: raw.data,
    metadata: (raw.metadata ?? {}) as EventMetadata,
  } as JourneyEvent;
  return { ok: true, event };
}

const compiled = new Map<object, (value: Record<string, unknown>) => boolean>();

/** Compiled contracts accept the valid majority fast; class-validator words every refusal. */
function checkContract(
  cls: abstract new () => object,
  value: Record<string, unknown>,
  prefix: string,
  errors: FieldError[],
): void {
  let accept = compiled.get(cls);
  if (!accept) {
    accept = compileContract(cls);
    compiled.set(cls, accept);
  }
  if (accept(value)) return;
  const instance = plainToInstance(cls as new () => object, value);
  collect(validateSync(instance, VALIDATOR_OPTIONS), prefix, errors);
}

/**
 * The first MAX_FIELD_ERRORS problems of one message, each field and reason cut to
 * MAX_ERROR_TEXT characters, and one more entry that counts the rest: a small input can hold
 * thousands of problems (20,000 empty items), and a reply or a dead letter naming them all
 * would be megabytes.
 */
export function capErrors(errors: readonly FieldError[]): FieldError[] {
  const kept = errors.slice(0, MAX_FIELD_ERRORS).map(({ field, reason }) => ({ field: excerpt(field, MAX_ERROR_TEXT), reason: excerpt(reason, MAX_ERROR_TEXT) }));
  const more = errors.length - kept.length;
  return more > 0 ? [...kept, { field: '', reason: `and ${more} more problems, not listed` }] : kept;
}

/** At most `length` characters of what a client sent, for a reason to echo; a cut pair of surrogates is replaced. */
function excerpt(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length).toWellFormed()}…`;
}

function fail(field: string, reason: string): ValidationResult {
  return { ok: false, errors: [{ field, reason }] };
}

function checkOccurredAt(value: unknown, now: Date, errors: FieldError[]): void {
  if (typeof value !== 'string') return;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return;
  if (at > now.getTime() + MAX_CLOCK_SKEW_MS) {
    errors.push({ field: 'occurredAt', reason: 'is more than 5 minutes in the future' });
  } else if (at < EARLIEST) {
    errors.push({ field: 'occurredAt', reason: 'is before 1970-01-01' });
  }
}

function checkMetadata(value: unknown, errors: FieldError[]): void {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const metadata = value as Record<string, unknown>;
  if (sizeOver(metadata, cleanSizeBound(metadata, 0), MAX_METADATA_BYTES) !== undefined) {
    errors.push({ field: 'metadata', reason: `is larger than ${MAX_METADATA_BYTES} bytes` });
  }
  for (const key of ['correlationId', 'causationId']) {
    const id = metadata[key];
    if (id !== undefined && (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH)) {
      errors.push({ field: `metadata.${key}`, reason: `must be a string of 1 to ${MAX_ID_LENGTH} characters` });
    }
  }
}

/** The size in bytes of the value's JSON (UTF-8) when it is over `limit`; `bound` spares the count. */
function sizeOver(value: unknown, bound: number, limit: number): number | undefined {
  if (bound <= limit) return undefined;
  const size = Buffer.byteLength(JSON.stringify(value));
  return size > limit ? size : undefined;
}

/**
 * One pass over parsed JSON that accepts what inspectJson accepts, without building the paths
 * it names problems by: -1 when there is a problem (inspectJson then names it), otherwise an
 * upper bound of the size in bytes of the value's JSON text, so that the exact size is
 * counted only for large events. (A UTF-16 unit takes at most 6 bytes of JSON, as an escape;
 * a number at most 24.)
 */
function cleanSizeBound(value: unknown, depth: number): number {
  if (typeof value === 'string') return value.includes('\u0000') || !value.isWellFormed() ? -1 : 2 + 6 * value.length;
  if (value === null || typeof value !== 'object') return 24;
  if (depth >= MAX_DEPTH) return -1;
  let bound = 2;
  if (Array.isArray(value)) {
    for (const item of value) {
      const size = cleanSizeBound(item, depth + 1);
      if (size < 0) return -1;
      bound += size + 1;
    }
    return bound;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key) || key.includes('\u0000') || !key.isWellFormed()) return -1;
    const size = cleanSizeBound((value as Record<string, unknown>)[key], depth + 1);
    if (size < 0) return -1;
    bound += 6 * key.length + 4 + size;
  }
  return bound;
}

/**
 * One pass over the raw JSON for what PostgreSQL's jsonb or our own code must never receive:
 * prototype-polluting keys, NUL characters, lone surrogates, and absurd nesting.
 */
function inspectJson(value: unknown, path: string, depth: number, errors: FieldError[]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) errors.push({ field: path, reason: 'must not contain the NUL character' });
    else if (!value.isWellFormed()) errors.push({ field: path, reason: 'must be well-formed Unicode' });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (depth >= MAX_DEPTH) {
    errors.push({ field: path, reason: `is nested more than ${MAX_DEPTH} levels deep` });
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) inspectJson(value[i], `${path}[${i}]`, depth + 1, errors);
    return;
  }
  for (const key of Object.keys(value)) {
    const child = path === '' ? key : `${path}.${key}`;
    if (FORBIDDEN_KEYS.has(key)) {
      errors.push({ field: child, reason: 'is a reserved key' });
      continue;
    }
    if (key.includes('\u0000') || !key.isWellFormed()) {
      errors.push({ field: path, reason: 'has a key that is not well-formed Unicode' });
      continue;
    }
    inspectJson((value as Record<string, unknown>)[key], child, depth + 1, errors);
  }
}

function collect(found: readonly ValidationError[], prefix: string, out: FieldError[]): void {
  for (const error of found) {
    const field = joinPath(prefix, error.property);
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      out.push({ field, reason: reasonOf(constraint, message, error.property) });
    }
    if (error.children?.length) collect(error.children, field, out);
  }
}

function joinPath(prefix: string, property: string): string {
  if (/^\d+$/.test(property)) return `${prefix}[${property}]`;
  return prefix === '' ? property : `${prefix}.${property}`;
}

function reasonOf(constraint: string, message: string, property: string): string {
  if (constraint === 'whitelistValidation') return 'is not a known field';
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}
