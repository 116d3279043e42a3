import type { RecordedEvent } from '@journey/event-store';
import type { Queryable } from '@journey/database';

export const CUSTOMER_ITEMS_PROJECTION = 'projection:customer_items';
export const CUSTOMER_ITEMS_TABLE = 'journey.customer_items';

interface ItemRow {
  customer_id: string;
  sku: string;
  purchases: number;
  first_bought_at: string | null;
  last_bought_at: string | null;
  views: number;
  last_viewed_at: string | null;
}

/**
 * One batch of the customer-items subscription, in its checkpoint's transaction: each customer's
 * bought items (PurchaseCompleted lines) and viewed products (ProductViewed of a known customer)
 * summed per product and upserted in one statement; a forgotten customer's rows are deleted.
 */
export async function projectCustomerItems(events: readonly RecordedEvent[], tx: Queryable): Promise<void> {
  const rows = new Map<string, ItemRow>();
  const forgotten: string[] = [];
  const row = (customerId: string, sku: string): ItemRow => {
    const key = `${customerId}\u0000${sku}`;
    let found = rows.get(key);
    if (!found) {
      found = { customer_id: customerId, sku, purchases: 0, first_bought_at: null, last_bought_at: null, views: 0, last_viewed_at: null };
      rows.set(key, found);
    }
    return found;
  };
  for (const event of events) {
    if (event.customerId === undefined) continue;
    if (event.type === 'PurchaseCompleted') {
      for (const item of event.data.items) {
        const r = row(event.customerId, item.sku);
        r.purchases++;
        r.first_bought_at = r.first_bought_at === null || event.occurredAt < r.first_bought_at ? event.occurredAt : r.first_bought_at;
        r.last_bought_at = r.last_bought_at === null || event.occurredAt > r.last_bought_at ? event.occurredAt : r.last_bought_at;
      }
    } else if (event.type === 'ProductViewed') {
      const r = row(event.customerId, event.data.sku);
      r.views++;
      r.last_viewed_at = r.last_viewed_at === null || event.occurredAt > r.last_viewed_at ? event.occurredAt : r.last_viewed_at;
    } else if (event.type === 'CustomerForgotten') {
      forgotten.push(event.customerId);
      for (const [key, r] of rows) if (r.customer_id === event.customerId) rows.delete(key);
    }
  }
  if (rows.size > 0) {
    await tx.query(
      `INSERT INTO ${CUSTOMER_ITEMS_TABLE} AS t (customer_id, sku, purchases, first_bought_at, last_bought_at, views, last_viewed_at)
       SELECT customer_id, sku, purchases, first_bought_at, last_bought_at, views, last_viewed_at
       FROM json_to_recordset($1::json) AS x(customer_id text, sku text, purchases integer, first_bought_at timestamptz, last_bought_at timestamptz, views integer, last_viewed_at timestamptz)
       ORDER BY customer_id, sku
       ON CONFLICT (customer_id, sku) DO UPDATE SET
         purchases = t.purchases + EXCLUDED.purchases,
         first_bought_at = LEAST(t.first_bought_at, EXCLUDED.first_bought_at),
         last_bought_at = GREATEST(t.last_bought_at, EXCLUDED.last_bought_at),
         views = t.views + EXCLUDED.views,
         last_viewed_at = GREATEST(t.last_viewed_at, EXCLUDED.last_viewed_at)`,
      [JSON.stringify([...rows.values()])],
    );
  }
  if (forgotten.length > 0) await tx.query(`DELETE FROM ${CUSTOMER_ITEMS_TABLE} WHERE customer_id = ANY($1::text[])`, [forgotten]);
}
