import type { Queryable } from '@journey/database';

/** The saga's decisions about a customer, oldest first. */
export async function decisionsAbout(db: Queryable, customerId: string): Promise<Record<string, unknown>[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT rule_id AS "ruleId", rule_version AS "ruleVersion", trigger_event_id AS "triggerEventId", decision, reason,
            action_id AS "actionId", decided_at AS "decidedAt"
     FROM journey.saga_decisions WHERE customer_id = $1 ORDER BY decided_at`,
    [customerId],
  );
  return rows;
}

/** The actions the saga sent or holds for a customer, oldest first. */
export async function actionsFor(db: Queryable, customerId: string): Promise<Record<string, unknown>[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT action_id AS "actionId", rule_id AS "ruleId", rule_version AS "ruleVersion", channel, target, body, state, attempts,
            created_at AS "createdAt", sent_at AS "sentAt"
     FROM journey.outbox WHERE customer_id = $1 ORDER BY created_at`,
    [customerId],
  );
  return rows;
}
