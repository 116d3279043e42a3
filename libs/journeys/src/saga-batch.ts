import { decide, emptyCustomer360, evolve, type Customer360 } from '@journey/domain';
import type { EventStore, RecordedEvent, UnitOfWork } from '@journey/event-store';
import type { Queryable } from '@journey/database';
import { predictionsFor } from '@journey/projections';
import { DecisionWriter } from './decision-writer';
import type { RuleIndex } from './rules/rule-index';
import { loadMemories, loadStates, saveStates } from './saga-state';
import type { SagaSettings } from './saga-settings';

export interface SagaContext {
  readonly index: RuleIndex;
  readonly store: EventStore<Queryable>;
  readonly settings: SagaSettings;
  readonly now: () => Date;
}

/**
 * One batch of the saga's subscription, in the transaction that moves its checkpoint: each
 * event is folded into the customer's 360 and the rules judge it against the state it left;
 * every decision (timers, outbox rows, records keyed by rule version and trigger, derived
 * events) is written in the same transaction, so each is taken exactly once.
 */
export async function sagaBatch(events: readonly RecordedEvent[], unit: UnitOfWork<Queryable>, context: SagaContext): Promise<void> {
  const tx = unit.state;
  const mine = events.filter((event) => event.customerId !== undefined);
  if (mine.length === 0) return;
  const customerIds = [...new Set(mine.map((event) => event.customerId!))];
  const now = context.now().getTime();
  const { settings } = context;
  const states = await loadStates(tx, customerIds);
  const longestWindow = Math.max(
    365 * 86_400_000,
    ...settings.globalCaps.map((cap) => cap.perMs),
  );
  const memories = await loadMemories(tx, customerIds, context.index, now - longestWindow);
  const predictions = await predictionsFor(tx, customerIds);
  const writer = new DecisionWriter(settings, now, predictions);
  const changed = new Map<string, Customer360>();

  for (const event of mine) {
    const customerId = event.customerId!;
    const state = evolve(states.get(customerId) ?? emptyCustomer360(customerId), event, settings.lifecycle).state;
    states.set(customerId, state);
    changed.set(customerId, state);
    // History loaded after the fact triggers nothing.
    if (now - Date.parse(event.occurredAt) > settings.maxEventAgeMs) continue;
    const memory = memories.get(customerId)!;
    const decisions = decide({
      rules: context.index.triggeredBy(event.type),
      event,
      customer: state,
      past: memory.past,
      waits: memory.waits,
      goals: memory.goals,
      now,
      rates: settings.rates,
      globalCaps: settings.globalCaps,
      maxDepth: settings.maxDepth,
      predictions: predictions.get(customerId) ?? null,
    });
    const depth = typeof (event.metadata as { depth?: unknown }).depth === 'number' ? ((event.metadata as { depth: number }).depth) : 0;
    let after = memory;
    for (const decision of decisions) after = writer.apply(decision, { event, depth }, state, after);
    memories.set(customerId, after);
  }
  await saveStates(tx, [...changed.values()]);
  await writer.flush(unit);
}
