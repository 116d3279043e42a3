import {
  ACTION_CHANNELS,
  CONSENT_CHANNELS,
  CONSENT_PURPOSES,
  isEventType,
  isExternalId,
  type ActionChannel,
  type ConsentChannel,
  type ConsentPurpose,
  type EventType,
} from '@journey/contracts';
import { CONDITION_OPERATORS, MAX_RULE_DURATION_DAYS, MAX_RULE_DURATION_MS, parseDuration, type Condition, type EventMatcher, type Rule } from '@journey/domain';
import { checkTemplate } from './templates';

/** A rule as JSON: what rule files and `POST /v1/rules` hold, before `parseRule` checks and normalises it. */
export interface RuleInput {
  /** 1–128 characters: letters, digits and . _ : @ + ~ | - */
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly enabled?: boolean;
  /** An event type, or `schedule:daily` for the daily scan (birthdays). */
  readonly trigger: { readonly event: EventType | 'schedule:daily'; readonly where?: Condition };
  readonly conditions?: Condition;
  /** Wait this long (`2h`, `3d`) before acting; an event matching `cancelOn` meanwhile cancels. */
  readonly wait?: { readonly for: string; readonly cancelOn?: ReadonlyArray<{ readonly event: EventType; readonly where?: Condition }> };
  readonly action: { readonly channel: ActionChannel; readonly target: string; readonly template: string; readonly params?: Readonly<Record<string, unknown>> };
  readonly limits?: { readonly frequencyCap?: { readonly count: number; readonly per: string }; readonly quietHours?: { readonly start: string; readonly end: string } };
  readonly consent?: { readonly channel: ConsentChannel; readonly purpose: ConsentPurpose };
  /** Percent of matching customers held out, as a control group (0–100). */
  readonly holdout?: number;
  readonly goal?: { readonly event: EventType; readonly within: string; readonly where?: Condition };
}

export interface RuleProblem {
  readonly field: string;
  readonly reason: string;
}

export type ParsedRule = { readonly ok: true; readonly rule: Omit<Rule, 'version'> } | { readonly ok: false; readonly errors: readonly RuleProblem[] };

const TOP_KEYS = new Set(['id', 'name', 'enabled', 'trigger', 'conditions', 'wait', 'action', 'limits', 'consent', 'holdout', 'goal', 'description']);
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** What a rule is checked against beyond its own text. */
export interface RuleChecks {
  /**
   * Kafka topics an action may not write to: the engine's own (ingest, dead letter, relay), whose
   * messages the engine takes as events with no key or role checked.
   */
  readonly reservedTopics?: readonly string[];
}

/**
 * A rule as JSON (what files and the admin API hold) checked field by field and normalised.
 * Errors name the field and the reason; templates are checked against the fields they read.
 */
export function parseRule(input: unknown, checks: RuleChecks = {}): ParsedRule {
  return parse(input, false, checks);
}

/**
 * A version read back from the store, accepted when it was saved: its template is not checked
 * again, nor are its nested fields against the known ones, since a stored version that no longer
 * passed would stop every rule from loading (a template that fails to render suppresses its
 * action instead), and a duration longer than a rule may hold is held to the longest.
 */
export function parseStoredRule(input: unknown): ParsedRule {
  return parse(input, true, {});
}

/** What a parse refuses, and whether it reads a stored version. */
interface Problems {
  readonly errors: RuleProblem[];
  readonly stored: boolean;
}

function parse(input: unknown, stored: boolean, checks: RuleChecks): ParsedRule {
  const errors: RuleProblem[] = [];
  const problems: Problems = { errors, stored };
  const fail = (field: string, reason: string) => errors.push({ field, reason });
  const duration = (value: unknown, field: string, example: string): number => {
    const ms = typeof value === 'string' ? parseDuration(value) : undefined;
    if (ms === undefined) fail(field, `must be a duration such as ${example}`);
    else if (ms > MAX_RULE_DURATION_MS && !stored) fail(field, `must be a duration of at most ${MAX_RULE_DURATION_DAYS}d`);
    return Math.min(ms ?? 0, MAX_RULE_DURATION_MS);
  };
  if (!isObject(input)) return { ok: false, errors: [{ field: 'body', reason: 'must be a rule object' }] };
  for (const key of Object.keys(input)) if (!TOP_KEYS.has(key)) fail(key, 'is not a known field of a rule');

  const id = input.id;
  if (!isExternalId(id)) fail('id', 'must be an identifier such as win-back');
  const name = typeof input.name === 'string' && input.name.length > 0 && input.name.length <= 200 ? input.name : (fail('name', 'must be a text of 1 to 200 characters'), '');
  const enabled = input.enabled === undefined ? true : input.enabled === true || input.enabled === false ? input.enabled : (fail('enabled', 'must be true or false'), true);

  const trigger = isObject(input.trigger) ? input.trigger : (fail('trigger', 'is required: {"event": "<type>", "where": <condition>}'), {});
  unknownFields(trigger, 'trigger', ['event', 'where', 'includeBackfill'], problems);
  const triggerEvent = trigger.event;
  if (!(isEventType(triggerEvent) || triggerEvent === 'schedule:daily')) fail('trigger.event', 'must be an event type or "schedule:daily"');
  const triggerWhere = condition(trigger.where, 'trigger.where', problems, true);
  const includeBackfill = trigger.includeBackfill;
  if (includeBackfill !== undefined && typeof includeBackfill !== 'boolean') fail('trigger.includeBackfill', 'must be true or false');
  if (includeBackfill !== undefined && triggerEvent !== 'SegmentEntered' && triggerEvent !== 'SegmentExited') fail('trigger.includeBackfill', 'applies to SegmentEntered and SegmentExited triggers only');
  const conditions = condition(input.conditions, 'conditions', problems, true);

  let wait: Rule['wait'];
  if (input.wait !== undefined) {
    const raw = isObject(input.wait) ? input.wait : (fail('wait', 'must be {"for": "2h", "cancelOn": [...]}'), {});
    unknownFields(raw, 'wait', ['for', 'cancelOn'], problems);
    const forMs = duration(raw.for, 'wait.for', '30m, 2h or 7d');
    const cancelOn = Array.isArray(raw.cancelOn) ? raw.cancelOn.map((m, i) => matcher(m, `wait.cancelOn[${i}]`, problems)) : [];
    if (raw.cancelOn !== undefined && !Array.isArray(raw.cancelOn)) fail('wait.cancelOn', 'must be a list of {"event": "<type>", "where": <condition>}');
    wait = { forMs, cancelOn: cancelOn.filter((m): m is EventMatcher => m !== undefined) };
  }

  const action = isObject(input.action) ? input.action : (fail('action', 'is required: {"channel", "target", "template", "params"}'), {});
  unknownFields(action, 'action', ['channel', 'target', 'template', 'params'], problems);
  const channel = action.channel as ActionChannel;
  if (!ACTION_CHANNELS.includes(channel)) fail('action.channel', `must be one of ${ACTION_CHANNELS.join(', ')}`);
  const target = typeof action.target === 'string' ? action.target : '';
  if (channel === 'webhook' && !/^https?:\/\/[^\s]+$/.test(target)) fail('action.target', 'must be an http(s) URL for a webhook');
  if (channel === 'kafka' && !/^[A-Za-z0-9._-]{1,249}$/.test(target)) fail('action.target', 'must be a Kafka topic name');
  else if (channel === 'kafka' && checks.reservedTopics?.includes(target)) fail('action.target', `is one of the engine's own topics (${checks.reservedTopics.join(', ')}), which a rule may not write to`);
  const params = action.params === undefined ? {} : isObject(action.params) ? action.params : (fail('action.params', 'must be an object'), {});
  const template = typeof action.template === 'string' ? action.template : (fail('action.template', 'is required (a Handlebars template)'), '');
  if (template && typeof triggerEvent === 'string' && !stored) errors.push(...checkTemplate(template, triggerEvent, params));

  const limits: { frequencyCap?: { count: number; perMs: number }; quietHours?: { start: string; end: string } } = {};
  if (input.limits !== undefined) {
    const raw = isObject(input.limits) ? input.limits : (fail('limits', 'must be an object'), {});
    unknownFields(raw, 'limits', ['frequencyCap', 'quietHours'], problems);
    if (raw.frequencyCap !== undefined) {
      const cap = isObject(raw.frequencyCap) ? raw.frequencyCap : {};
      unknownFields(cap, 'limits.frequencyCap', ['count', 'per'], problems);
      if (!Number.isInteger(cap.count) || (cap.count as number) < 1) fail('limits.frequencyCap.count', 'must be a whole number of at least 1');
      limits.frequencyCap = { count: cap.count as number, perMs: duration(cap.per, 'limits.frequencyCap.per', '7d') };
    }
    if (raw.quietHours !== undefined) {
      const quiet = isObject(raw.quietHours) ? raw.quietHours : {};
      unknownFields(quiet, 'limits.quietHours', ['start', 'end'], problems);
      if (typeof quiet.start !== 'string' || !HHMM.test(quiet.start)) fail('limits.quietHours.start', 'must be a time HH:MM');
      if (typeof quiet.end !== 'string' || !HHMM.test(quiet.end)) fail('limits.quietHours.end', 'must be a time HH:MM');
      limits.quietHours = { start: String(quiet.start), end: String(quiet.end) };
    }
  }

  let consent: Rule['consent'];
  if (input.consent !== undefined) {
    const raw = isObject(input.consent) ? input.consent : {};
    unknownFields(raw, 'consent', ['channel', 'purpose'], problems);
    if (!CONSENT_CHANNELS.includes(raw.channel as ConsentChannel)) fail('consent.channel', `must be one of ${CONSENT_CHANNELS.join(', ')}`);
    if (!CONSENT_PURPOSES.includes(raw.purpose as ConsentPurpose)) fail('consent.purpose', `must be one of ${CONSENT_PURPOSES.join(', ')}`);
    consent = { channel: raw.channel as ConsentChannel, purpose: raw.purpose as ConsentPurpose };
  }

  const holdout = input.holdout === undefined ? 0 : input.holdout;
  if (!Number.isInteger(holdout) || (holdout as number) < 0 || (holdout as number) > 100) fail('holdout', 'must be a percentage from 0 to 100');

  let goal: Rule['goal'];
  if (input.goal !== undefined) {
    const raw = isObject(input.goal) ? input.goal : {};
    unknownFields(raw, 'goal', ['event', 'within', 'where'], problems);
    if (!isEventType(raw.event)) fail('goal.event', 'must be an event type');
    const withinMs = duration(raw.within, 'goal.within', '7d');
    goal = { event: raw.event as EventType, withinMs, where: condition(raw.where, 'goal.where', problems, false) };
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    rule: {
      id: id as string,
      name,
      enabled,
      trigger: { event: triggerEvent as Rule['trigger']['event'], where: triggerWhere, ...(includeBackfill === true ? { includeBackfill } : {}) },
      conditions,
      wait,
      action: { channel, target, template, params },
      limits,
      consent,
      holdoutPercent: holdout as number,
      goal,
    },
  };
}

function matcher(input: unknown, field: string, problems: Problems): EventMatcher | undefined {
  if (isObject(input)) unknownFields(input, field, ['event', 'where'], problems);
  if (!isObject(input) || !isEventType(input.event)) {
    problems.errors.push({ field: `${field}.event`, reason: 'must be an event type' });
    return undefined;
  }
  return { event: input.event, where: condition(input.where, `${field}.where`, problems, false) };
}

/** A condition: {path, op, value}, or {all: [...]}, {any: [...]}, {not: ...}. */
function condition(input: unknown, field: string, problems: Problems, customerAllowed: boolean): Condition | undefined {
  const { errors } = problems;
  if (input === undefined) return undefined;
  if (!isObject(input)) {
    errors.push({ field, reason: 'must be a condition object' });
    return undefined;
  }
  if (Array.isArray(input.all) || Array.isArray(input.any)) {
    const key = Array.isArray(input.all) ? 'all' : 'any';
    unknownFields(input, field, [key], problems);
    const parts = (input[key] as unknown[]).map((part, i) => condition(part, `${field}.${key}[${i}]`, problems, customerAllowed));
    return (key === 'all' ? { all: parts.filter(Boolean) } : { any: parts.filter(Boolean) }) as Condition;
  }
  if (input.not !== undefined) {
    unknownFields(input, field, ['not'], problems);
    const inner = condition(input.not, `${field}.not`, problems, customerAllowed);
    return inner ? { not: inner } : undefined;
  }
  unknownFields(input, field, ['path', 'op', 'value'], problems);
  const path = input.path;
  const op = input.op;
  if (typeof path !== 'string' || !/^(event|customer|params)(\.[^.\s]+)+$/.test(path)) {
    errors.push({ field: `${field}.path`, reason: 'must be a path starting with event., customer. or params.' });
  } else if (!customerAllowed && path.startsWith('customer.')) {
    errors.push({ field: `${field}.path`, reason: 'may only look at the event here' });
  }
  if (!CONDITION_OPERATORS.includes(op as never)) {
    errors.push({ field: `${field}.op`, reason: `must be one of ${CONDITION_OPERATORS.join(', ')}` });
  } else if ((op === 'in' || op === 'nin') && !Array.isArray(input.value)) {
    errors.push({ field: `${field}.value`, reason: `must be a list for ${op}` });
  } else if (!['exists', 'missing', 'birthdayToday'].includes(op as string) && input.value === undefined) {
    errors.push({ field: `${field}.value`, reason: `is required for ${op}` });
  }
  return { path: path as string, op: op as never, value: input.value };
}

/** A field of a nested object the rule does not know is refused, as a misspelt one would be dropped unseen. */
function unknownFields(input: Record<string, unknown>, parent: string, known: readonly string[], problems: Problems): void {
  if (problems.stored) return;
  for (const key of Object.keys(input)) if (!known.includes(key)) problems.errors.push({ field: `${parent}.${key}`, reason: 'is not a known field' });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
