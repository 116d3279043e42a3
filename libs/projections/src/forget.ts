import type { Queryable } from '@journey/database';
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

/** The anonymous ids a customer is known by: linked in the 360, and visitors pointing at them. */
export async function identitiesOf(q: Queryable, customerId: string, tables: ProjectionTables = LIVE_TABLES): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT jsonb_array_elements_text(identities) AS id FROM ${tables.customers} WHERE customer_id = $1
     UNION SELECT anonymous_id FROM ${tables.visitors} WHERE customer_id = $1`,
    [customerId],
  );
  return rows.map((row) => row.id).sort();
}
