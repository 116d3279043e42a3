import type { JourneyEvent } from '@journey/contracts';
import { customer360View, evaluate, gate, waitsAt, type ConditionTrace, type Customer360, type GateVerdict, type Rule } from '@journey/domain';
import type { Queryable } from '@journey/database';
import { predictionsOf } from '@journey/projections';
import type { SagaSettings } from './saga-settings';
import { loadMemories, memoryWindowMs } from './decision-memory';
import type { RuleIndex } from './rules/rule-index';

export interface DryRun {
  readonly ruleId: string;
  readonly ruleVersion: number;
  readonly customerId: string;
  readonly event: { readonly eventId: string; readonly type: string; readonly occurredAt: string };
  readonly trigger: { readonly passed: boolean; readonly conditions: readonly ConditionTrace[] };
  readonly conditions: { readonly passed: boolean; readonly conditions: readonly ConditionTrace[] };
  /**
   * What would happen now: a wait, the gates' verdict, nothing when a check failed, or, for a
   * rule with a wait the customer is already in (since that instant, in ms), nothing new: the
   * trigger joins that wait.
   */
  readonly outcome:
    | GateVerdict
    | { readonly kind: 'wait'; readonly forMs: number }
    | { readonly kind: 'waiting'; readonly since: number }
    | { readonly kind: 'ignore' };
}

/** Judges a rule against a customer and an event without writing or sending anything. */
export async function dryRun(db: Queryable, index: RuleIndex, settings: SagaSettings, rule: Rule, customer: Customer360, event: JourneyEvent, now: Date): Promise<DryRun> {
  const predictions = await predictionsOf(db, customer.customerId);
  const view = { ...customer360View(customer, settings.rates), predictions };
  const context = { event, customer: view, params: rule.action.params, now: now.getTime(), timezone: customer.profile.timezone };
  const typeMatches = rule.trigger.event === event.type;
  const triggerTrace: ConditionTrace[] = [{ condition: `event.type eq ${JSON.stringify(rule.trigger.event)}`, passed: typeMatches, actual: event.type }];
  const triggerPassed = evaluate(rule.trigger.where, context, triggerTrace) && typeMatches;
  const conditionTrace: ConditionTrace[] = [];
  const conditionsPassed = evaluate(rule.conditions, context, conditionTrace);
  let outcome: DryRun['outcome'] = { kind: 'ignore' };
  if (triggerPassed && conditionsPassed) {
    const memory = (await loadMemories(db, [customer.customerId], index, now.getTime() - memoryWindowMs(index, settings.globalCaps, rule))).get(customer.customerId)!;
    const running = waitsAt(memory.waits, event, (of) => ({ ...context, params: of.action.params })).running.get(rule.id);
    if (rule.wait) outcome = running ? { kind: 'waiting', since: running.since } : { kind: 'wait', forMs: rule.wait.forMs };
    else outcome = gate(rule, customer, memory.past, settings.globalCaps, now.getTime());
  }
  return {
    ruleId: rule.id,
    ruleVersion: rule.version,
    customerId: customer.customerId,
    event: { eventId: event.eventId, type: event.type, occurredAt: event.occurredAt },
    trigger: { passed: triggerPassed, conditions: triggerTrace },
    conditions: { passed: conditionsPassed, conditions: conditionTrace },
    outcome,
  };
}
