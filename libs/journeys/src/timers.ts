import type { JourneyEvent } from '@journey/contracts';
import { decideDue, emptyCustomer360 } from '@journey/domain';
import { LIVE_TABLES, predictionsFor, readCustomers } from '@journey/projections';
import { loadMemories, memoryWindowMs } from './decision-memory';
import { DecisionWriter, ENDED_TRIGGER } from './decision-writer';
import { ownedDueIds } from './owned-due';
import type { SagaContext } from './saga-context';

interface TimerRow {
  id: string;
  kind: 'wait' | 'hold';
  rule_id: string;
  rule_version: number;
  customer_id: string;
  trigger: JourneyEvent;
  depth: number;
}

/**
 * Waits and holds whose time has come, of the customers this process holds when the saga's
 * processes share the partitions (`context.owns`), decided again now: dispatch, suppress, or
 * hold for quiet hours. The customers' rows are held first, then the timers are claimed with FOR
 * UPDATE SKIP LOCKED (so several saga processes share them safely): the order the customer pass
 * takes them in, which then cannot judge these customers before this unit commits, nor this unit
 * before the pass's batch has. A timer whose rule was disabled or deleted meanwhile ends cancelled.
 */
export async function fireDueTimers(context: SagaContext, limit = 200): Promise<number> {
  const now = context.now().getTime();
  return context.store.unitOfWork(async (unit) => {
    const tx = unit.state;
    const at = new Date(now).toISOString();
    const due = `state = 'pending' AND due_at <= $1`;
    const owns = context.owns;
    const { rows: candidates } = owns
      ? await tx.query<{ id: string; customer_id: string }>(`SELECT id, customer_id FROM journey.saga_timers WHERE id = ANY($2::uuid[]) AND ${due}`, [
          at,
          await ownedDueIds(tx, { table: 'journey.saga_timers', id: 'id', at: 'due_at', due }, at, owns, limit),
        ])
      : await tx.query<{ id: string; customer_id: string }>(`SELECT id, customer_id FROM journey.saga_timers WHERE ${due} ORDER BY due_at LIMIT $2`, [at, limit]);
    if (candidates.length === 0) return 0;
    // The 360 as the customer pass last committed it: the state the timer's decision is judged on.
    const states = await readCustomers(tx, [...new Set(candidates.map((row) => row.customer_id))], LIVE_TABLES, true);
    const { rows } = await tx.query<TimerRow>(
      `SELECT id, kind, rule_id, rule_version, customer_id, trigger, depth FROM journey.saga_timers
       WHERE id = ANY($2::uuid[]) AND ${due} ORDER BY due_at FOR UPDATE SKIP LOCKED`,
      [at, candidates.map((row) => row.id)],
    );
    if (rows.length === 0) return 0;
    const customerIds = [...new Set(rows.map((row) => row.customer_id))];
    const memories = await loadMemories(tx, customerIds, context.index, now - memoryWindowMs(context.index, context.settings.globalCaps));
    // Templates of the actions dispatched now read the customer's predictions.
    const writer = new DecisionWriter(context.settings, now, await predictionsFor(tx, customerIds));
    const cancelled: string[] = [];
    for (const row of rows) {
      const rule = await context.index.version(row.rule_id, row.rule_version);
      if (!rule || !context.index.isActive(rule.id)) {
        cancelled.push(row.id);
        continue;
      }
      const customer = states.get(row.customer_id) ?? emptyCustomer360(row.customer_id);
      const held = memories.get(row.customer_id)!;
      const memory = { ...held, waits: held.waits.filter((wait) => wait.timerId !== row.id) };
      const decision = decideDue(rule, customer, memory.past, context.settings.globalCaps, now);
      // A hold re-schedules the same timer; anything else ends it.
      if (decision.kind !== 'hold') writer.fire(row.id);
      memories.set(row.customer_id, writer.apply(decision, { event: row.trigger, depth: row.depth }, customer, memory));
    }
    if (cancelled.length > 0) {
      await tx.query(`UPDATE journey.saga_timers SET state = 'cancelled', trigger = ${ENDED_TRIGGER} WHERE id = ANY($1::uuid[])`, [cancelled]);
    }
    await writer.flush(unit);
    return rows.length;
  });
}
