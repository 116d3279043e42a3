import { decide, type DecisionMemory } from '@journey/domain';
import type { RecordedEvent, UnitOfWork } from '@journey/event-store';
import type { Queryable } from '@journey/database';
import { predictionsFor, type CustomerDecider, type DeciderBatch, type DeciderInput } from '@journey/projections';
import { loadMemories, memoryWindowMs } from './decision-memory';
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
    const index = this.catalog.index;
    // Memory and predictions only for the customers whose events a rule heeds (a trigger, a
    // wait's end, a goal); a visitor's event counts for the customer the batch links it to,
    // which only the fold knows, so such an event loads every customer of the batch.
    const heeded = batch.events.filter((event) => live(event) && index.heeds(event.type));
    if (heeded.length === 0) return NOTHING;
    const judged = heeded.some((event) => event.customerId === undefined) ? batch.customerIds : [...new Set(heeded.map((event) => event.customerId!))];
    const memories: Map<string, DecisionMemory> = await loadMemories(unit.state, judged, index, now - memoryWindowMs(index, settings.globalCaps));
    // The customers' predictions: `customer.predictions.*` in conditions and templates.
    const predictions = await predictionsFor(unit.state, judged);
    const writer = new DecisionWriter(settings, now, predictions);
    return {
      decide(event, customer) {
        // A customer whose memory was not loaded had no event a rule heeded when the batch began.
        const memory = memories.get(customer.customerId);
        if (!memory || !live(event) || !index.heeds(event.type)) return;
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
