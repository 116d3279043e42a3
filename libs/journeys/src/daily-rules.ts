import { ENGINE_SOURCE, type JourneyEvent } from '@journey/contracts';
import { decide, derivedEventId } from '@journey/domain';
import { customersWithBirthday } from '@journey/projections';
import { loadMemories } from './decision-memory';
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
      const rows = (await customersWithBirthday(tx, around, after, 500)).map((state) => ({ customer_id: state.customerId, state }));
      if (rows.length === 0) return 0;
      const memories = await loadMemories(tx, rows.map((row) => row.customer_id), context.index, now.getTime() - 365 * 86_400_000);
      const writer = new DecisionWriter(context.settings, now.getTime());
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
        });
        let after = memory;
        for (const decision of decisions) after = writer.apply(decision, { event: trigger, depth: 0 }, state, after);
        memories.set(customerId, after);
        decided += decisions.length;
      }
      await writer.flush(unit);
      after = rows[rows.length - 1]!.customer_id;
      return rows.length;
    });
    if (batch < 500) break;
  }
  return decided;
}
