import { CUSTOMER_STREAM_PREFIX, VISITOR_STREAM_PREFIX, type JourneyEvent } from '@journey/contracts';
import type { Queryable } from '@journey/database';
import type { Customer360 } from '@journey/domain';
import { forgetSubjects } from '@journey/privacy';
import { LIVE_TABLES, type ProjectionTables } from './customer-360.table';
import { forgetCustomerItems } from './customer-items.projection';
import { PREDICTIONS_TABLE } from './predictions.table';

/**
 * Scrubs a forgotten customer's personal data from the read models at once, as folding their
 * CustomerForgotten will (the profile empties, the row is marked forgotten), without waiting for
 * the projector to reach it.
 */
export async function scrubForgottenCustomer(tx: Queryable, customerId: string, tables: ProjectionTables = LIVE_TABLES): Promise<boolean> {
  const { rowCount } = await tx.query(`UPDATE ${tables.customers} SET profile = '{}'::jsonb, forgotten = true WHERE customer_id = $1`, [
    customerId,
  ]);
  // Predictions are made of the customer's behaviour: the next run would not score them again either.
  if (tables === LIVE_TABLES) {
    await tx.query(`DELETE FROM ${PREDICTIONS_TABLE} WHERE customer_id = $1`, [customerId]);
    await forgetCustomerItems(tx, customerId);
  }
  return rowCount > 0;
}

/**
 * The anonymous ids a customer is known by: those linked in `stream` (the customer's stream as
 * the log holds it, links the pass has not folded yet included), those linked in the 360, and
 * the visitors pointing at the customer.
 */
export async function identitiesOf(
  q: Queryable,
  customerId: string,
  stream: readonly JourneyEvent[],
  tables: ProjectionTables = LIVE_TABLES,
): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT jsonb_array_elements_text(identities) AS id FROM ${tables.customers} WHERE customer_id = $1
     UNION SELECT anonymous_id FROM ${tables.visitors} WHERE customer_id = $1`,
    [customerId],
  );
  const ids = new Set(rows.map((row) => row.id));
  for (const event of stream) if (event.type === 'IdentityLinked') ids.add(event.data.anonymousId);
  return [...ids].sort();
}

/**
 * Destroys, in the batch's transaction, the keys of every visitor linked to a customer who is
 * forgotten once the batch is folded and whose CustomerForgotten or IdentityLinked the batch
 * folded: a link appended after the forget request (or one it could not see) loses its key as the
 * pass folds it, whichever of the two the log holds first. Idempotent, like the fold around it.
 */
export async function forgetLinkedVisitors(tx: Queryable, events: readonly JourneyEvent[], customers: ReadonlyMap<string, Customer360>): Promise<void> {
  const subjects = new Set<string>();
  for (const event of events) {
    if (event.customerId === undefined || (event.type !== 'IdentityLinked' && event.type !== 'CustomerForgotten')) continue;
    const customer = customers.get(event.customerId);
    if (!customer?.forgotten) continue;
    subjects.add(CUSTOMER_STREAM_PREFIX + customer.customerId);
    for (const anonymousId of customer.identities) subjects.add(VISITOR_STREAM_PREFIX + anonymousId);
  }
  await forgetSubjects(tx, [...subjects]);
}
