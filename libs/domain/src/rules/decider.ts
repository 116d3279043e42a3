import type { JourneyEvent, SuppressionReason } from '@journey/contracts';
import type { Customer360 } from '../customer-360';
import { customer360View } from '../customer-360.view';
import type { CustomerPredictions } from '../predictions.view';
import type { CurrencyRates } from '../money';
import { evaluate, type ConditionContext } from './conditions';
import { gate, type PastAction } from './gates';
import type { EventMatcher, GlobalCap, Rule } from './rule';

/** A wait in progress: the rule is held until `until` unless a later event cancels it. */
export interface PendingWait {
  readonly timerId: string;
  readonly rule: Rule;
  readonly since: number;
}

/** An action whose conversion goal is still open. */
export interface OpenGoal {
  readonly actionId: string;
  readonly rule: Rule;
  readonly from: number;
  readonly until: number;
  readonly holdout: boolean;
}

export type Decision =
  | { readonly kind: 'dispatch'; readonly rule: Rule }
  | { readonly kind: 'hold'; readonly rule: Rule; readonly until: number }
  | { readonly kind: 'wait'; readonly rule: Rule; readonly until: number }
  | { readonly kind: 'suppress'; readonly rule: Rule; readonly reason: SuppressionReason }
  | { readonly kind: 'cancel-wait'; readonly timerId: string; readonly rule: Rule }
  | { readonly kind: 'convert'; readonly goal: OpenGoal };

export interface DecideInput {
  /** The enabled rules whose trigger is this event's type. */
  readonly rules: readonly Rule[];
  readonly event: JourneyEvent;
  /** The customer 360 as the event left it. */
  readonly customer: Customer360;
  readonly past: readonly PastAction[];
  readonly waits: readonly PendingWait[];
  readonly goals: readonly OpenGoal[];
  readonly now: number;
  readonly rates: CurrencyRates;
  readonly globalCaps: readonly GlobalCap[];
  /** Chains of rule-triggered actions stop at this depth. */
  readonly maxDepth: number;
  /** The customer's predictions (churn risk, CLV, recommendations): `customer.predictions.*` in conditions. */
  readonly predictions?: CustomerPredictions | null;
}

/**
 * What the saga does about one event: cancel waits the event ends, count conversions it
 * completes, and for every rule it triggers either act now, hold for quiet hours, start a wait
 * (unless the customer is already in one of that rule's waits), or suppress with the reason.
 * Rules whose trigger filter or conditions do not hold are ignored.
 */
export function decide(input: DecideInput): Decision[] {
  const { event, customer, now } = input;
  const at = Date.parse(event.occurredAt);
  const decisions: Decision[] = [];
  const view = { ...customer360View(customer, input.rates), predictions: input.predictions ?? null };
  const context = (rule: Rule): ConditionContext => ({ event, customer: view, params: rule.action.params, now, timezone: customer.profile.timezone });

  const { ended, running } = waitsAt(input.waits, event, context);
  for (const wait of ended) decisions.push({ kind: 'cancel-wait', timerId: wait.timerId, rule: wait.rule });
  for (const goal of input.goals) {
    const target = goal.rule.goal!;
    if (at >= goal.from && at <= goal.until && matches(target, event, context(goal.rule))) decisions.push({ kind: 'convert', goal });
  }

  const origin = event.metadata as { ruleId?: unknown; depth?: unknown };
  const depth = typeof origin.depth === 'number' ? origin.depth : 0;
  for (const rule of input.rules) {
    // The engine's own action events never trigger the rule that produced them.
    if (origin.ruleId === rule.id) continue;
    if (fromBackfill(event) && rule.trigger.includeBackfill !== true) continue;
    if (!evaluate(rule.trigger.where, context(rule)) || !evaluate(rule.conditions, context(rule))) continue;
    if (depth >= input.maxDepth) {
      decisions.push({ kind: 'suppress', rule, reason: 'depth_limit' });
      continue;
    }
    if (rule.wait) {
      // One wait of a rule at a time per customer: a trigger that comes while one runs joins it
      // (a second wait would end in a second message, or in a suppression by the rule's cap).
      if (!running.has(rule.id)) decisions.push({ kind: 'wait', rule, until: now + rule.wait.forMs });
      continue;
    }
    decisions.push(verdictOf(rule, customer, input.past, input.globalCaps, now));
  }
  return decisions;
}

/**
 * The customer's waits as an event finds them: those it ends (a cancel event after the wait
 * began), and, by rule id, those still running after it (their time not up, though a timer may
 * be late to fire): a rule with one is already under way for the customer.
 */
export function waitsAt(
  waits: readonly PendingWait[],
  event: JourneyEvent,
  context: (rule: Rule) => ConditionContext,
): { readonly ended: readonly PendingWait[]; readonly running: ReadonlyMap<string, PendingWait> } {
  const at = Date.parse(event.occurredAt);
  const ended: PendingWait[] = [];
  const running = new Map<string, PendingWait>();
  for (const wait of waits) {
    if (wait.since <= at && wait.rule.wait!.cancelOn.some((matcher) => matches(matcher, event, context(wait.rule)))) ended.push(wait);
    else if (at < wait.since + wait.rule.wait!.forMs) running.set(wait.rule.id, wait);
  }
  return { ended, running };
}

/** A wait or a hold fell due: the gates decide again, now. */
export function decideDue(rule: Rule, customer: Customer360, past: readonly PastAction[], globalCaps: readonly GlobalCap[], now: number): Decision {
  return verdictOf(rule, customer, past, globalCaps, now);
}

function verdictOf(rule: Rule, customer: Customer360, past: readonly PastAction[], globalCaps: readonly GlobalCap[], now: number): Decision {
  const verdict = gate(rule, customer, past, globalCaps, now);
  switch (verdict.kind) {
    case 'dispatch':
      return { kind: 'dispatch', rule };
    case 'hold':
      return { kind: 'hold', rule, until: verdict.until };
    case 'suppress':
      return { kind: 'suppress', rule, reason: verdict.reason };
  }
}

function matches(matcher: EventMatcher, event: JourneyEvent, context: ConditionContext): boolean {
  return matcher.event === event.type && evaluate(matcher.where, context);
}

/** A segment entry or exit that a backfill recorded (rules ignore those unless they opt in). */
function fromBackfill(event: JourneyEvent): boolean {
  return (event.type === 'SegmentEntered' || event.type === 'SegmentExited') && event.data.backfill;
}
