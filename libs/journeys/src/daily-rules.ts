import { ENGINE_SOURCE, type JourneyEvent } from '@journey/contracts';
import { decide, derivedEventId, localDate } from '@journey/domain';
import type { Queryable } from '@journey/database';
import { customersWithBirthday, LIVE_TABLES, predictionsFor, readCustomers } from '@journey/projections';
import { loadMemories, memoryWindowMs } from './decision-memory';
import { DecisionWriter } from './decision-writer';
import type { SagaContext } from './saga-context';

/**
 * Rules triggered by the calendar (`schedule:daily`), such as a birthday greeting: the customers
 * whose birthday falls around today are judged against them, with a trigger that is the same
 * for a customer and a day of their own time zone (one local day spans two UTC dates). The hourly
 * runs of that day decide each rule on it once: a rule with a decision recorded for the trigger is
 * not judged again (judged again, a greeting sent at 10:00 would be suppressed by its own
 * frequency cap at 11:00, a hold for quiet hours scheduled twice).
 */
export async function runDailyRules(context: SagaContext): Promise<number> {
  const rules = context.index.triggeredBy('schedule:daily');
  if (rules.length === 0) return 0;
  const now = context.now();
  // Time zones put a birthday on the day before or after the UTC date; 29 February is kept on the 28th in other years.
  const around = [-1, 0, 1].map((offset) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(5, 10));
  if (around.includes('02-28')) around.push('02-29');
  let decided = 0;
  let after = '';
  for (;;) {
    const batch = await context.store.unitOfWork(async (unit) => {
      const tx = unit.state;
      const read = await customersWithBirthday(tx, around, after, 500);
      if (read.length === 0) return 0;
      after = read[read.length - 1]!.customerId;
      const owns = context.owns;
      const mine = (owns ? read.filter((state) => owns(state.customerId)) : read).map((state) => state.customerId);
      // Judged on their rows held as the customer pass last committed them (see readCustomers).
      const held = await readCustomers(tx, mine, LIVE_TABLES, true);
      const rows = mine.flatMap((customerId) => {
        const state = held.get(customerId);
        return state ? [{ customer_id: customerId, state }] : [];
      });
      const memories = await loadMemories(tx, rows.map((row) => row.customer_id), context.index, now.getTime() - memoryWindowMs(context.index, context.settings.globalCaps));
      const predictions = await predictionsFor(tx, rows.map((row) => row.customer_id));
      const writer = new DecisionWriter(context.settings, now.getTime(), predictions);
      const days = new Map(rows.map((row) => [row.customer_id, localDate(now.getTime(), row.state.profile.timezone)]));
      const triggerOf = (customerId: string): string => derivedEventId(customerId, 'schedule:daily', days.get(customerId)!);
      const decidedRules = await rulesDecided(tx, rows.map((row) => row.customer_id), triggerOf, now);
      for (const { customer_id: customerId, state } of rows) {
        const eventId = triggerOf(customerId);
        const day = days.get(customerId)!;
        const open = rules.filter((rule) => !decidedRules.get(eventId)?.has(rule.id));
        if (open.length === 0) continue;
        const trigger = {
          eventId,
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
          rules: open,
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

/**
 * Per customer's trigger of their local day, the rules (by id, any version) with a decision
 * recorded on it: the runs of a local day decide during it, which began at most 14 hours before
 * the UTC date's start (UTC+14), so the customers' decisions since then are the ones read.
 */
async function rulesDecided(tx: Queryable, customerIds: readonly string[], triggerOf: (customerId: string) => string, now: Date): Promise<Map<string, Set<string>>> {
  const decided = new Map<string, Set<string>>();
  if (customerIds.length === 0) return decided;
  const { rows } = await tx.query<{ trigger_event_id: string; rule_id: string }>(
    `SELECT DISTINCT trigger_event_id, rule_id FROM journey.saga_decisions
     WHERE customer_id = ANY($1::text[]) AND decided_at >= $2::timestamptz AND trigger_event_id = ANY($3::uuid[])`,
    [customerIds, new Date(Date.parse(now.toISOString().slice(0, 10)) - 14 * 3_600_000).toISOString(), customerIds.map(triggerOf)],
  );
  for (const row of rows) {
    const rules = decided.get(row.trigger_event_id) ?? new Set<string>();
    rules.add(row.rule_id);
    decided.set(row.trigger_event_id, rules);
  }
  return decided;
}
