import type { ActionChannel, ConsentChannel, ConsentPurpose, EventType, SuppressionReason } from '@journey/contracts';

/** A predicate over `{ event, customer, params }`, as rules write it in JSON. */
export type Condition =
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition }
  | { readonly path: string; readonly op: ConditionOperator; readonly value?: unknown };

export const CONDITION_OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'exists', 'missing', 'contains', 'startsWith', 'birthdayToday'] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

export interface EventMatcher {
  readonly event: EventType;
  readonly where?: Condition;
}

/** A marketing rule, normalised (durations in ms). */
export interface Rule {
  readonly id: string;
  readonly version: number;
  readonly name: string;
  readonly enabled: boolean;
  /** An event type, or `schedule:daily` for rules the daily scan evaluates (birthdays). */
  /**
   * `includeBackfill`: whether segment entries and exits recorded by a backfill (a segment
   * created or edited) trigger the rule; by default only live changes do.
   */
  readonly trigger: { readonly event: EventType | 'schedule:daily'; readonly where?: Condition; readonly includeBackfill?: boolean };
  readonly conditions?: Condition;
  readonly wait?: { readonly forMs: number; readonly cancelOn: readonly EventMatcher[] };
  readonly action: {
    readonly channel: ActionChannel;
    readonly target: string;
    readonly template: string;
    readonly params: Readonly<Record<string, unknown>>;
  };
  readonly limits: {
    readonly frequencyCap?: { readonly count: number; readonly perMs: number };
    readonly quietHours?: { readonly start: string; readonly end: string };
  };
  readonly consent?: { readonly channel: ConsentChannel; readonly purpose: ConsentPurpose };
  readonly holdoutPercent: number;
  readonly goal?: { readonly event: EventType; readonly withinMs: number; readonly where?: Condition };
}

/** Caps across all rules, per channel (e.g. at most 3 marketing messages per customer per 7 days). */
export interface GlobalCap {
  readonly channel: ActionChannel;
  readonly count: number;
  readonly perMs: number;
}

/**
 * The longest duration a rule may hold (a cap's window, a wait, a goal): a hundred years, as a
 * segment's durations. A cap that long means "once per customer", the longest a rule can mean,
 * and an instant that far from now is still a date (`Date` ends near the year 275760).
 */
export const MAX_RULE_DURATION_DAYS = 36_500;
export const MAX_RULE_DURATION_MS = MAX_RULE_DURATION_DAYS * 86_400_000;

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "30m", "2h", "7d", "1w" as milliseconds; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)(s|m|h|d|w)$/.exec(text.trim());
  return match ? Number(match[1]) * UNITS[match[2]!]! : undefined;
}

export type { SuppressionReason };
