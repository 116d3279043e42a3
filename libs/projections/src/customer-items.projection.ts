import type { RecordedEvent } from '@journey/event-store';
import type { Queryable } from '@journey/database';
import { PAIRED_ITEMS, SimilarityChanges, type CustomerItem } from '@journey/predictions';
import { LIVE_ITEM_TABLES, type ItemTables } from './item-tables';
import { refreshRecommendations } from './live-recommendations';

export const CUSTOMER_ITEMS_PROJECTION = 'projection:customer_items';

export interface ItemsContext {
  readonly tables: ItemTables;
  /** Refresh the top five of each customer who bought in the batch (the live fold; a rebuild only folds). */
  readonly recommend?: { readonly catalogueWindowDays: number; readonly now: Date };
}

/** A customer's row as the batch leaves it: the sums it adds, and the item's state for the similarity. */
interface ItemRow extends CustomerItem {
  readonly customer_id: string;
  readonly sku: string;
  added: { purchases: number; views: number };
  first_bought_at: string | null;
  last_bought_at: string | null;
  last_viewed_at: string | null;
}

interface CustomerState {
  /** The items that can matter to the batch: the paired ones, the bought ones, and the batch's own. */
  readonly items: Map<string, ItemRow>;
  /** The ordinal the customer's next new item takes. */
  next: number;
  /** Forgotten in this batch: their stored rows go before the rows of later events are written. */
  forgotten: boolean;
  bought: boolean;
}

/**
 * One batch of the customer-items subscription, in its checkpoint's transaction: each customer's
 * bought items (PurchaseCompleted lines) and viewed products (ProductViewed of a known customer)
 * summed per product, the similarity's sums (journey.item_pairs, item_stats) moved by what
 * changed, and, in the live fold, the top five of each customer who bought refreshed. A
 * forgotten customer's rows are deleted and their part taken out of the sums.
 */
export async function projectCustomerItems(events: readonly RecordedEvent[], tx: Queryable, context: ItemsContext = { tables: LIVE_ITEM_TABLES }): Promise<void> {
  const { tables } = context;
  const skus = new Map<string, Set<string>>();
  for (const event of events) {
    if (event.customerId === undefined || !TYPES.has(event.type)) continue;
    const mine = skus.get(event.customerId) ?? new Set<string>();
    skus.set(event.customerId, mine);
    if (event.type === 'PurchaseCompleted') for (const item of event.data.items) mine.add(item.sku);
    else if (event.type === 'ProductViewed') mine.add(event.data.sku);
  }
  if (skus.size === 0) return;
  const customers = await loadCustomers(tx, tables, skus);
  const changes = new SimilarityChanges();
  const lastSeen = new Map<string, string>();
  const seen = (sku: string, at: string): void => {
    const was = lastSeen.get(sku);
    if (was === undefined || at > was) lastSeen.set(sku, at);
  };
  const touch = (customer: CustomerState, customerId: string, sku: string, at: string, bought: boolean): void => {
    let row = customer.items.get(sku);
    const before = row && { purchases: row.purchases, views: row.views };
    if (!row) {
      row = { customer_id: customerId, sku, ordinal: customer.next++, purchases: 0, views: 0, added: { purchases: 0, views: 0 }, first_bought_at: null, last_bought_at: null, last_viewed_at: null };
      customer.items.set(sku, row);
    }
    if (bought) {
      row.purchases++;
      row.added.purchases++;
      row.first_bought_at = row.first_bought_at === null || at < row.first_bought_at ? at : row.first_bought_at;
      row.last_bought_at = row.last_bought_at === null || at > row.last_bought_at ? at : row.last_bought_at;
    } else {
      row.views++;
      row.added.views++;
      row.last_viewed_at = row.last_viewed_at === null || at > row.last_viewed_at ? at : row.last_viewed_at;
    }
    changes.changed(customer.items, sku, before);
    seen(sku, at);
  };
  for (const event of events) {
    if (event.customerId === undefined) continue;
    const customer = customers.get(event.customerId);
    if (!customer) continue;
    if (event.type === 'PurchaseCompleted') {
      for (const item of event.data.items) touch(customer, event.customerId, item.sku, event.occurredAt, true);
      customer.bought = true;
    } else if (event.type === 'ProductViewed') {
      touch(customer, event.customerId, event.data.sku, event.occurredAt, false);
    } else if (event.type === 'CustomerForgotten') {
      changes.removed(customer.items);
      customer.items.clear();
      customer.next = 1;
      customer.forgotten = true;
      customer.bought = false;
    }
  }

  const forgotten = [...customers].filter(([, c]) => c.forgotten).map(([id]) => id);
  if (forgotten.length > 0) await tx.query(`DELETE FROM ${tables.items} WHERE customer_id = ANY($1::text[])`, [forgotten]);
  await writeItems(tx, tables, [...customers.values()].flatMap((c) => [...c.items.values()].filter((row) => row.added.purchases + row.added.views > 0)));
  await writeSums(tx, tables, changes, lastSeen);
  if (context.recommend) {
    const buyers = new Map([...customers].filter(([, c]) => c.bought).map(([id, c]) => [id, c.items] as const));
    await refreshRecommendations(tx, tables, buyers, context.recommend);
  }
}

/** The event types the items fold reads; the others pass it by. */
export const CUSTOMER_ITEMS_TYPES = ['PurchaseCompleted', 'ProductViewed', 'CustomerForgotten'] as const;
const TYPES = new Set<string>(CUSTOMER_ITEMS_TYPES);

/**
 * The customers' items that can matter to a batch: the paired ones (the first PAIRED_ITEMS, whose
 * weights the similarity's sums hold), the bought ones (a top five leaves out what the customer
 * owns), and those of the batch's own SKUs (`skus`, by customer); with the ordinal the next new
 * item takes. A customer who has viewed thousands of products costs a batch no more than one
 * who has viewed a hundred.
 */
async function loadCustomers(tx: Queryable, tables: ItemTables, skus: ReadonlyMap<string, ReadonlySet<string>>): Promise<Map<string, CustomerState>> {
  const customers = new Map<string, CustomerState>([...skus.keys()].map((id) => [id, { items: new Map(), next: 1, forgotten: false, bought: false }]));
  const pairs = [...skus].flatMap(([customerId, list]) => [...list].map((sku) => [customerId, sku] as const));
  const { rows } = await tx.query<{ customer_id: string; sku: string; purchases: number; views: number; ordinal: number; last: number }>(
    `SELECT customer_id, sku, purchases, views, ordinal, last FROM (
       SELECT customer_id, sku, purchases, views, ordinal, max(ordinal) OVER (PARTITION BY customer_id) AS last
       FROM ${tables.items} WHERE customer_id = ANY($1::text[])) i
      WHERE ordinal <= $2 OR purchases > 0 OR (customer_id, sku) IN (SELECT * FROM unnest($3::text[], $4::text[]))`,
    [[...skus.keys()], PAIRED_ITEMS, pairs.map(([customerId]) => customerId), pairs.map(([, sku]) => sku)],
  );
  // Each row's fields named one by one: a rest pattern or a spread copies them through V8's slow path, per row.
  for (const row of rows) {
    const customer = customers.get(row.customer_id)!;
    customer.next = row.last + 1;
    customer.items.set(row.sku, {
      customer_id: row.customer_id,
      sku: row.sku,
      purchases: row.purchases,
      views: row.views,
      ordinal: row.ordinal,
      added: { purchases: 0, views: 0 },
      first_bought_at: null,
      last_bought_at: null,
      last_viewed_at: null,
    });
  }
  return customers;
}

async function writeItems(tx: Queryable, tables: ItemTables, rows: readonly ItemRow[]): Promise<void> {
  if (rows.length === 0) return;
  const json = rows.map((r) => ({
    customer_id: r.customer_id,
    sku: r.sku,
    ordinal: r.ordinal,
    purchases: r.added.purchases,
    views: r.added.views,
    first_bought_at: r.first_bought_at,
    last_bought_at: r.last_bought_at,
    last_viewed_at: r.last_viewed_at,
  }));
  await tx.query(
    `INSERT INTO ${tables.items} AS t (customer_id, sku, ordinal, purchases, first_bought_at, last_bought_at, views, last_viewed_at)
     SELECT customer_id, sku, ordinal, purchases, first_bought_at, last_bought_at, views, last_viewed_at
     FROM json_to_recordset($1::json) AS x(customer_id text, sku text, ordinal integer, purchases integer, first_bought_at timestamptz, last_bought_at timestamptz, views integer, last_viewed_at timestamptz)
     ORDER BY customer_id, sku
     ON CONFLICT (customer_id, sku) DO UPDATE SET
       purchases = t.purchases + EXCLUDED.purchases,
       first_bought_at = LEAST(t.first_bought_at, EXCLUDED.first_bought_at),
       last_bought_at = GREATEST(t.last_bought_at, EXCLUDED.last_bought_at),
       views = t.views + EXCLUDED.views,
       last_viewed_at = GREATEST(t.last_viewed_at, EXCLUDED.last_viewed_at)`,
    [JSON.stringify(json)],
  );
}

/** The pairs' and items' sums moved by the batch's changes; a pair whose count falls to nothing is deleted. */
export async function writeSums(tx: Queryable, tables: ItemTables, changes: SimilarityChanges, lastSeen: ReadonlyMap<string, string> = new Map()): Promise<void> {
  const pairs = [...changes.pairs.values()].filter((pair) => pair.co !== 0);
  if (pairs.length > 0) {
    await tx.query(
      `INSERT INTO ${tables.pairs} AS t (sku_a, sku_b, co)
       SELECT a, b, co FROM json_to_recordset($1::json) AS x(a text, b text, co float8) ORDER BY a, b
       ON CONFLICT (sku_a, sku_b) DO UPDATE SET co = t.co + EXCLUDED.co`,
      [JSON.stringify(pairs)],
    );
    const fallen = pairs.filter((pair) => pair.co < 0);
    if (fallen.length > 0) {
      await tx.query(
        `DELETE FROM ${tables.pairs} p USING json_to_recordset($1::json) AS x(a text, b text)
         WHERE p.sku_a = x.a AND p.sku_b = x.b AND p.co = 0`,
        [JSON.stringify(fallen)],
      );
    }
  }
  const skus = [...new Set([...changes.norms.keys(), ...changes.buyers.keys(), ...lastSeen.keys()])];
  if (skus.length === 0) return;
  const stats = skus.map((sku) => ({ sku, norm: changes.norms.get(sku) ?? 0, buyers: changes.buyers.get(sku) ?? 0, last_seen: lastSeen.get(sku) ?? null }));
  await tx.query(
    `INSERT INTO ${tables.stats} AS t (sku, norm, buyers, last_seen)
     SELECT sku, norm, buyers, last_seen FROM json_to_recordset($1::json) AS x(sku text, norm float8, buyers integer, last_seen timestamptz) ORDER BY sku
     ON CONFLICT (sku) DO UPDATE SET norm = t.norm + EXCLUDED.norm, buyers = t.buyers + EXCLUDED.buyers, last_seen = GREATEST(t.last_seen, EXCLUDED.last_seen)`,
    [JSON.stringify(stats)],
  );
}

/** Deletes a customer's items and takes their part out of the similarity's sums (forgetting them at once). */
export async function forgetCustomerItems(tx: Queryable, customerId: string, tables: ItemTables = LIVE_ITEM_TABLES): Promise<void> {
  const customer = (await loadCustomers(tx, tables, new Map([[customerId, new Set<string>()]]))).get(customerId)!;
  if (customer.items.size === 0) return;
  const changes = new SimilarityChanges();
  changes.removed(customer.items);
  await tx.query(`DELETE FROM ${tables.items} WHERE customer_id = $1`, [customerId]);
  await writeSums(tx, tables, changes);
}
