import type { DecisionMemory, OpenGoal, PastAction, PendingWait } from '@journey/domain';
import type { Queryable } from '@journey/database';
import type { RuleIndex } from './rules/rule-index';

/** What the decider remembers of a customer while the memory is loaded: past actions, pending waits, open goals. */
interface LoadingMemory {
  past: PastAction[];
  waits: PendingWait[];
  goals: OpenGoal[];
}

export async function loadMemories(tx: Queryable, customerIds: readonly string[], index: RuleIndex, since: number): Promise<Map<string, DecisionMemory>> {
  const memories = new Map<string, LoadingMemory>(customerIds.map((id) => [id, { past: [], waits: [], goals: [] }]));
  if (customerIds.length === 0) return memories;
  const actions = await tx.query<{ action_id: string; customer_id: string; rule_id: string; rule_version: number; channel: string; at: Date; holdout: boolean; goal_until: Date | null; converted_by: string | null }>(
    `SELECT action_id, customer_id, rule_id, rule_version, channel, at, holdout, goal_until, converted_by FROM journey.saga_actions
     WHERE customer_id = ANY($1::text[]) AND (at >= $2 OR (goal_until >= $2 AND converted_by IS NULL))`,
    [customerIds, new Date(since).toISOString()],
  );
  for (const row of actions.rows) {
    const memory = memories.get(row.customer_id)!;
    const at = new Date(row.at).getTime();
    if (!row.holdout) memory.past.push({ ruleId: row.rule_id, channel: row.channel as PastAction['channel'], at });
    if (row.goal_until && !row.converted_by) {
      const rule = await index.version(row.rule_id, row.rule_version);
      if (rule?.goal) memory.goals.push({ actionId: row.action_id, rule, from: at, until: new Date(row.goal_until).getTime(), holdout: row.holdout });
    }
  }
  const waits = await tx.query<{ id: string; customer_id: string; rule_id: string; rule_version: number; since: Date }>(
    `SELECT id, customer_id, rule_id, rule_version, since FROM journey.saga_timers
     WHERE customer_id = ANY($1::text[]) AND state = 'pending' AND kind = 'wait'`,
    [customerIds],
  );
  for (const row of waits.rows) {
    const rule = await index.version(row.rule_id, row.rule_version);
    if (rule?.wait) memories.get(row.customer_id)!.waits.push({ timerId: row.id, rule, since: new Date(row.since).getTime() });
  }
  return memories;
}
