import { ENGINE_SOURCE, type JourneyEvent } from '@journey/contracts';
import { decide, derivedEventId } from '@journey/domain';
import { customersWithBirthday, predictionsFor } from '@journey/projections';
import { loadMemories, memoryWindowMs } from './decision-memory';
import { DecisionWriter } from './decision-writer';
import type { SagaContext } from './saga-context';

/**
 * Rules triggered by the calendar (`schedule:daily`), such as a birthday greeting: the customers
 * whose birthday falls around today are judged against them, with a trigger that is the same
 * for a customer and a day, so the hourly runs of a day decide it once.
 */
export async function runDailyRules(context: SagaContext): Promise<number> {
  const rules = context.index.triggeredBy('schedule:daily');
  if (rules.length === 0) return 0;
  const now = context.now();
  const day = now.toISOString().slice(0, 10);
  // Time zones put a birthday on the day before or after the UTC date.
  const around = [-1, 0, 1].map((offset) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(5, 10));
  let decided = 0;
  let after = '';
  for (;;) {
    const batch = await context.store.unitOfWork(async (unit) => {
      const tx = unit.state;
      const read = await customersWithBirthday(tx, around, after, 500);
      if (read.length === 0) return 0;
      after = read[read.length - 1]!.customerId;
      const owns = context.owns;
      const rows = (owns ? read.filter((state) => owns(state.customerId)) : read).map((state) => ({ customer_id: state.customerId, state }));
      const memories = await loadMemories(tx, rows.map((row) => row.customer_id), context.index, now.getTime() - memoryWindowMs(context.index, context.settings.globalCaps));
      const predictions = await predictionsFor(tx, rows.map((row) => row.customer_id));
      const writer = new DecisionWriter(context.settings, now.getTime(), predictions);
      for (const { customer_id: customerId, state } of rows) {
        const trigger = {
          eventId: derivedEventId(customerId, 'schedule:daily', day),
          type: 'schedule:daily',
          version: 1,
          customerId,
          occurredAt: now.toISOString(),
          source: ENGINE_SOURCE,
          data: { day },
          metadata: {},
        } as unknown as JourneyEvent;
        const memory = memories.get(customerId)!;
        const decisions = decide({
          rules,
          event: trigger,
          customer: state,
          ...memory,
          now: now.getTime(),
          rates: context.settings.rates,
          globalCaps: context.settings.globalCaps,
          maxDepth: context.settings.maxDepth,
          predictions: predictions.get(customerId) ?? null,
        });
        let after = memory;
        for (const decision of decisions) after = writer.apply(decision, { event: trigger, depth: 0 }, state, after);
        memories.set(customerId, after);
        decided += decisions.length;
      }
      await writer.flush(unit);
      return read.length;
    });
    if (batch < 500) break;
  }
  return decided;
}
