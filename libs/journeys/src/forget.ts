import type { Queryable } from '@journey/database';
import { ENDED_TRIGGER } from './decision-writer';

/**
 * Scrubs a forgotten customer's personal data from the saga's tables: waiting timers are
 * cancelled and lose the trigger's payload, and rendered action bodies are emptied (pending ones are cancelled: nothing more is sent to a forgotten customer).
 * A delivery under way keeps its lease, so that what it sent is still recorded.
 */
export async function scrubForgottenJourneys(tx: Queryable, customerId: string): Promise<void> {
  await tx.query(
    `UPDATE journey.saga_timers SET trigger = ${ENDED_TRIGGER},
       state = CASE WHEN state = 'pending' THEN 'cancelled' ELSE state END
     WHERE customer_id = $1`,
    [customerId],
  );
  await tx.query(
    `UPDATE journey.outbox SET body = '', last_error = CASE WHEN state = 'pending' THEN 'forgotten' ELSE last_error END,
       state = CASE WHEN state = 'pending' THEN 'cancelled' ELSE state END
     WHERE customer_id = $1`,
    [customerId],
  );
}
