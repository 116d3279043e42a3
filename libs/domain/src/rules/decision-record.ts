import type { JourneyEvent, SuppressionReason } from '@journey/contracts';
import type { Customer360 } from '../customer-360';
import { derivedEvent, type DerivedEvent } from '../events/derived-event';
import { derivedEventId } from '../events/derived-id';
import type { Decision, OpenGoal, PendingWait } from './decider';
import type { PastAction } from './gates';
import type { Rule } from './rule';

/** The trigger of a decision: an event of the log, or the daily scan's moment for a customer. */
export interface Trigger {
  readonly event: JourneyEvent;
  readonly depth: number;
}

/** What later decisions of the same customer must see: recent actions, open waits and goals. */
export interface DecisionMemory {
  readonly past: readonly PastAction[];
  readonly waits: readonly PendingWait[];
  readonly goals: readonly OpenGoal[];
}

/** The decision itself, as the audit trail of the saga keeps it. */
export interface DecisionEntry {
  readonly ruleId: string;
  readonly ruleVersion: number;
  readonly triggerEventId: string;
  readonly customerId: string;
  readonly decision: 'dispatch' | 'hold' | 'wait' | 'suppress';
  readonly reason: string | null;
  readonly actionId: string | null;
  readonly decidedAt: string;
}

/** A wait, or a hold for quiet hours, that falls due at `dueAt`. */
export interface TimerEntry {
  readonly id: string;
  readonly kind: 'hold' | 'wait';
  readonly rule: Rule;
  readonly customerId: string;
  readonly trigger: Trigger;
  readonly dueAt: string;
}

/** An action to deliver: the runtime renders the rule's template for the customer and the trigger. */
export interface DeliveryEntry {
  readonly actionId: string;
  readonly rule: Rule;
  readonly trigger: Trigger;
  readonly customer: Customer360;
}

/** An action taken (or held out), counted against caps and watched for its goal until `goalUntil`. */
export interface ActionEntry {
  readonly actionId: string;
  readonly customerId: string;
  readonly rule: Rule;
  readonly at: string;
  readonly holdout: boolean;
  readonly goalUntil: string | null;
}

/** Everything one decision records: rows for the saga's tables, derived events, and the memory after it. */
export interface DecisionRecord {
  readonly decision?: DecisionEntry;
  readonly timer?: TimerEntry;
  readonly delivery?: DeliveryEntry;
  readonly action?: ActionEntry;
  readonly cancelledTimer?: string;
  readonly conversion?: { readonly actionId: string; readonly by: string };
  readonly events: readonly DerivedEvent[];
  readonly memory: DecisionMemory;
}

/** The id of the action a rule version takes on a trigger: one per (rule, version, trigger). */
export function actionIdOf(rule: Rule, triggerEventId: string): string {
  return derivedEventId(rule.id, rule.version, triggerEventId);
}

/**
 * What a decision records, taken at `now`: the saga's rows, the events it appends (ActionScheduled,
 * ActionSuppressed, ConversionAttributed) and what the customer's later decisions in the same
 * batch must see. Pure: the runtime writes what it returns.
 */
export function recordDecision(decision: Decision, trigger: Trigger, customer: Customer360, memory: DecisionMemory, now: number): DecisionRecord {
  const { event } = trigger;
  const { customerId } = customer;
  const at = new Date(now).toISOString();
  const entry = (rule: Rule, kind: DecisionEntry['decision'], reason: string | null, actionId: string | null): DecisionEntry => ({
    ruleId: rule.id,
    ruleVersion: rule.version,
    triggerEventId: event.eventId,
    customerId,
    decision: kind,
    reason,
    actionId,
    decidedAt: at,
  });
  const taken = (rule: Rule, actionId: string, holdout: boolean): { action: ActionEntry; goals: readonly OpenGoal[] } => {
    const goalUntil = rule.goal ? now + rule.goal.withinMs : null;
    const action: ActionEntry = { actionId, customerId, rule, at, holdout, goalUntil: goalUntil === null ? null : new Date(goalUntil).toISOString() };
    const goals = goalUntil === null ? memory.goals : [...memory.goals, { actionId, rule, from: now, until: goalUntil, holdout }];
    return { action, goals };
  };
  const metadata = (rule: Rule) => ({ ruleId: rule.id, causationId: event.eventId, depth: trigger.depth + 1 });

  switch (decision.kind) {
    case 'dispatch': {
      const { rule } = decision;
      const actionId = actionIdOf(rule, event.eventId);
      const { action, goals } = taken(rule, actionId, false);
      return {
        decision: entry(rule, 'dispatch', null, actionId),
        delivery: { actionId, rule, trigger, customer },
        action,
        events: [],
        memory: { ...memory, past: [...memory.past, { ruleId: rule.id, channel: rule.action.channel, at: now }], goals },
      };
    }
    case 'hold':
    case 'wait': {
      const { rule, kind } = decision;
      const actionId = actionIdOf(rule, event.eventId);
      const dueAt = new Date(decision.until).toISOString();
      const scheduled = derivedEvent('ActionScheduled', {
        customerId,
        cause: [actionId, 'ActionScheduled', kind, dueAt],
        occurredAt: at,
        data: { ruleId: rule.id, ruleVersion: rule.version, actionId, triggerEventId: event.eventId, channel: rule.action.channel, dueAt },
        metadata: metadata(rule),
      });
      return {
        decision: entry(rule, kind, kind === 'hold' ? 'quiet_hours' : null, actionId),
        timer: { id: actionId, kind, rule, customerId, trigger, dueAt },
        events: [scheduled],
        memory: kind === 'wait' ? { ...memory, waits: [...memory.waits, { timerId: actionId, rule, since: Date.parse(event.occurredAt) }] } : memory,
      };
    }
    case 'suppress': {
      const { rule, reason } = decision;
      const suppressed = suppressedEvent(rule, event.eventId, reason, customerId, trigger.depth, at);
      // Holdout customers are not messaged, but their goal events count: that is the lift.
      const held = reason === 'holdout' && rule.goal ? taken(rule, actionIdOf(rule, event.eventId), true) : undefined;
      return {
        decision: entry(rule, 'suppress', reason, null),
        ...(held ? { action: held.action } : {}),
        events: [suppressed],
        memory: held ? { ...memory, past: [...memory.past, { ruleId: rule.id, channel: rule.action.channel, at: now, holdout: true }], goals: held.goals } : memory,
      };
    }
    case 'cancel-wait':
      return { cancelledTimer: decision.timerId, events: [], memory: { ...memory, waits: memory.waits.filter((w) => w.timerId !== decision.timerId) } };
    case 'convert': {
      const { goal } = decision;
      const purchase = event.type === 'PurchaseCompleted' ? { value: event.data.total, currency: event.data.currency } : {};
      const converted = derivedEvent('ConversionAttributed', {
        customerId,
        cause: [goal.actionId, 'ConversionAttributed'],
        occurredAt: event.occurredAt,
        data: {
          ruleId: goal.rule.id,
          ruleVersion: goal.rule.version,
          ...(goal.holdout ? {} : { actionId: goal.actionId }),
          conversionEventId: event.eventId,
          goalType: goal.rule.goal!.event,
          holdout: goal.holdout,
          ...purchase,
        },
        metadata: { ruleId: goal.rule.id, causationId: event.eventId, depth: trigger.depth + 1 },
      });
      return {
        conversion: { actionId: goal.actionId, by: event.eventId },
        events: [converted],
        memory: { ...memory, goals: memory.goals.filter((open) => open !== goal) },
      };
    }
    default:
      return assertNever(decision);
  }
}

function suppressedEvent(rule: Rule, triggerEventId: string, reason: SuppressionReason, customerId: string, depth: number, at: string): DerivedEvent<'ActionSuppressed'> {
  return derivedEvent('ActionSuppressed', {
    customerId,
    cause: [rule.id, rule.version, triggerEventId, 'ActionSuppressed'],
    occurredAt: at,
    data: { ruleId: rule.id, ruleVersion: rule.version, triggerEventId, reason },
    metadata: { ruleId: rule.id, causationId: triggerEventId, depth: depth + 1 },
  });
}

function assertNever(value: never): never {
  throw new Error(`unhandled decision ${JSON.stringify(value)}`);
}
