import type { DecisionMemory, GlobalCap, OpenGoal, PastAction, PendingWait, Rule } from '@journey/domain';
import type { Queryable } from '@journey/database';
import type { RuleIndex } from './rules/rule-index';

/** What the decider remembers of a customer while the memory is loaded: past actions, pending waits, open goals. */
interface LoadingMemory {
  past: PastAction[];
  waits: PendingWait[];
  goals: OpenGoal[];
}

interface ActionRow {
  action_id: string;
  customer_id: string;
  rule_id: string;
  rule_version: number;
  channel: string;
  at: string;
  holdout: boolean;
  goal_until: string | null;
  converted_by: string | null;
}

interface WaitRow {
  id: string;
  customer_id: string;
  rule_id: string;
  rule_version: number;
  since: string;
}

/**
 * How far back a customer's actions can still count: the longest frequency cap of any rule
 * version (and of `also`, a rule not saved yet) or of any global cap. Older actions can stop
 * nothing, so they are not loaded: a customer's memory stays as small as the caps, however long
 * they have been a customer.
 */
export function memoryWindowMs(index: RuleIndex, globalCaps: readonly GlobalCap[], ...also: readonly Rule[]): number {
  return Math.max(0, index.longestCapMs(), ...globalCaps.map((cap) => cap.perMs), ...also.map((rule) => rule.limits.frequencyCap?.perMs ?? 0));
}

/**
 * What the decider remembers of the customers, in one round trip: their actions inside the
 * longest window (or with a goal still open) and their pending waits.
 */
export async function loadMemories(tx: Queryable, customerIds: readonly string[], index: RuleIndex, since: number): Promise<Map<string, DecisionMemory>> {
  const memories = new Map<string, LoadingMemory>(customerIds.map((id) => [id, { past: [], waits: [], goals: [] }]));
  if (customerIds.length === 0) return memories;
  const { rows } = await tx.query<{ actions: ActionRow[]; waits: WaitRow[] }>(
    `SELECT
       (SELECT coalesce(json_agg(a), '[]') FROM (
          SELECT action_id, customer_id, rule_id, rule_version, channel, at, holdout, goal_until, converted_by FROM journey.saga_actions
          WHERE customer_id = ANY($1::text[]) AND (at >= $2 OR (goal_until >= $2 AND converted_by IS NULL))) a) AS actions,
       (SELECT coalesce(json_agg(w), '[]') FROM (
          SELECT id, customer_id, rule_id, rule_version, since FROM journey.saga_timers
          WHERE customer_id = ANY($1::text[]) AND state = 'pending' AND kind = 'wait') w) AS waits`,
    [customerIds, new Date(since).toISOString()],
  );
  const { actions, waits } = rows[0]!;
  for (const row of actions) {
    const memory = memories.get(row.customer_id)!;
    const at = Date.parse(row.at);
    memory.past.push({ ruleId: row.rule_id, channel: row.channel as PastAction['channel'], at, ...(row.holdout ? { holdout: true } : {}) });
    if (row.goal_until && !row.converted_by) {
      const rule = await index.version(row.rule_id, row.rule_version);
      if (rule?.goal) memory.goals.push({ actionId: row.action_id, rule, from: at, until: Date.parse(row.goal_until), holdout: row.holdout });
    }
  }
  for (const row of waits) {
    const rule = await index.version(row.rule_id, row.rule_version);
    if (rule?.wait) memories.get(row.customer_id)!.waits.push({ timerId: row.id, rule, since: Date.parse(row.since) });
  }
  return memories;
}
