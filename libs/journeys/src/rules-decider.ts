import { decide, type DecisionMemory } from '@journey/domain';
import type { RecordedEvent, UnitOfWork } from '@journey/event-store';
import type { Queryable } from '@journey/database';
import { predictionsFor, type CustomerDecider, type DeciderBatch, type DeciderInput } from '@journey/projections';
import { loadMemories } from './decision-memory';
import { DecisionWriter } from './decision-writer';
import type { RuleCatalog } from './rules/rule-catalog';
import type { SagaSettings } from './saga-settings';

const NOTHING: DeciderBatch = { decide: () => undefined, flush: async () => undefined };

/**
 * The rules, as a decider of the customer pass: each event is judged against the state it left,
 * with the customer's memory (past actions, waits, open goals) and predictions loaded once per batch; every
 * decision (timers, outbox rows, records keyed by rule version and trigger, derived events) is
 * written in the pass's unit of work, so each is taken exactly once. Events older than
 * maxEventAgeMs (history loaded after the fact) trigger nothing.
 */
export class RulesDecider implements CustomerDecider {
  readonly name = 'rules';
  private opened: Promise<void> | undefined;

  constructor(
    private readonly catalog: RuleCatalog,
    private readonly settings: SagaSettings,
    private readonly now: () => Date,
  ) {}

  async heeds(): Promise<(type: string) => boolean> {
    await (this.opened ??= this.catalog.open());
    const index = this.catalog.index;
    return (type) => index.heeds(type);
  }

  async begin(unit: UnitOfWork<Queryable>, batch: DeciderInput): Promise<DeciderBatch> {
    await (this.opened ??= this.catalog.open());
    const now = this.now().getTime();
    const { settings } = this;
    const live = (event: RecordedEvent): boolean => now - Date.parse(event.occurredAt) <= settings.maxEventAgeMs;
    if (!batch.events.some(live)) return NOTHING;
    const longestWindow = Math.max(365 * 86_400_000, ...settings.globalCaps.map((cap) => cap.perMs));
    const index = this.catalog.index;
    const memories: Map<string, DecisionMemory> = await loadMemories(unit.state, batch.customerIds, index, now - longestWindow);
    // The customers' predictions: `customer.predictions.*` in conditions and templates.
    const predictions = await predictionsFor(unit.state, batch.customerIds);
    const writer = new DecisionWriter(settings, now, predictions);
    return {
      decide(event, customer) {
        if (!live(event)) return;
        const memory = memories.get(customer.customerId) ?? { past: [], waits: [], goals: [] };
        const decisions = decide({
          rules: index.triggeredBy(event.type),
          event,
          customer,
          past: memory.past,
          waits: memory.waits,
          goals: memory.goals,
          now,
          rates: settings.rates,
          globalCaps: settings.globalCaps,
          maxDepth: settings.maxDepth,
          predictions: predictions.get(customer.customerId) ?? null,
        });
        const depth = typeof (event.metadata as { depth?: unknown }).depth === 'number' ? (event.metadata as { depth: number }).depth : 0;
        let after = memory;
        for (const decision of decisions) after = writer.apply(decision, { event, depth }, customer, after);
        memories.set(customer.customerId, after);
      },
      flush: () => writer.flush(unit),
    };
  }

  async stop(): Promise<void> {
    if (!this.opened) return;
    this.opened = undefined;
    await this.catalog.close();
  }
}
