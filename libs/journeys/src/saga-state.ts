import { emptyCustomer360, type Customer360, type DecisionMemory, type OpenGoal, type PastAction, type PendingWait } from '@journey/domain';
import type { Queryable } from '@journey/database';
import type { RuleIndex } from './rules/rule-index';

/** The saga's own copy of each customer's 360, at the saga's position in the log. */
export async function loadStates(tx: Queryable, customerIds: readonly string[]): Promise<Map<string, Customer360>> {
  const states = new Map<string, Customer360>();
  if (customerIds.length === 0) return states;
  const { rows } = await tx.query<{ customer_id: string; state: Customer360 }>(
    'SELECT customer_id, state FROM journey.saga_customers WHERE customer_id = ANY($1::text[])',
    [customerIds],
  );
  // A state saved before the 360 had a field reads that field as a new customer has it.
  for (const row of rows) states.set(row.customer_id, { ...emptyCustomer360(row.customer_id), ...row.state });
  return states;
}

export async function saveStates(tx: Queryable, states: readonly Customer360[]): Promise<void> {
  if (states.length === 0) return;
  await tx.query(
    `INSERT INTO journey.saga_customers (customer_id, state, birthday)
     SELECT x.customer_id, x.state, x.birthday FROM json_to_recordset($1::json) AS x(customer_id text, state jsonb, birthday text)
     ON CONFLICT (customer_id) DO UPDATE SET state = EXCLUDED.state, birthday = EXCLUDED.birthday`,
    [JSON.stringify(states.map((state) => ({ customer_id: state.customerId, state, birthday: state.profile.birthday?.slice(5, 10) ?? null })))],
  );
}

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
