/**
 * The prediction benchmark's shop: customers drawn from BG/NBD and Gamma-Gamma with known
 * parameters (first purchases spread over two years; order values Gamma(p, ν)), each with a
 * taste among the catalogue's products (tastes of 50 products, a long tail of popularity, one
 * purchase in ten a stray), written straight into the read models the job reads
 * (journey.customer_360's purchase columns and journey.customer_items) through json_to_recordset.
 */
import type { Database } from '@journey/database';
import { PAIRED_ITEMS, sampleBeta, sampleGamma, seededRandom, VIEW_WEIGHT } from '@journey/predictions';

const DAY = 86_400_000;
export const TRUTH = { r: 0.6, alpha: 20, a: 0.8, b: 3 } as const; // rates per week
export const SPEND = { p: 4, q: 5, gamma: 8000 } as const; // minor units

export interface ShopCustomer {
  readonly id: string;
  readonly orders: Array<{ readonly at: number; readonly total: number; readonly skus: readonly number[] }>;
}

/** One customer at a time (a million stream through little memory). */
export function* shopCustomers(count: number, products: number, now: number, seed: number): Generator<ShopCustomer> {
  const random = seededRandom(seed);
  const tastes = Math.max(1, Math.floor(products / 50));
  for (let i = 0; i < count; i++) {
    const age = 1 + random() * 729; // days
    const lambda = sampleGamma(random, TRUTH.r, TRUTH.alpha) / 7; // per day
    const p = sampleBeta(random, TRUTH.a, TRUTH.b);
    const nu = sampleGamma(random, SPEND.q, SPEND.gamma);
    const taste = Math.floor(Math.pow(random(), 2) * tastes);
    const pick = (): number => (random() < 0.1 ? Math.floor(random() * products) : taste * 50 + Math.floor(Math.pow(random(), 2) * 50)) % products;
    const first = now - age * DAY;
    const orders: ShopCustomer['orders'][number][] = [];
    let at = 0;
    for (;;) {
      orders.push({ at: Math.floor(first + at * DAY), total: Math.max(1, Math.round(sampleGamma(random, SPEND.p, nu))), skus: random() < 0.3 ? [pick(), pick()] : [pick()] });
      at += -Math.log(random()) / lambda;
      if (at > age || (orders.length > 1 && random() < p) || orders.length >= 400) break;
    }
    yield { id: `bench-${String(i).padStart(7, '0')}`, orders };
  }
}

const BATCH = 5000;

/** Writes the shop into the read models; returns rows written. */
export async function writeShop(db: Database, customers: Iterable<ShopCustomer>, onBatch: (done: number) => void): Promise<{ customers: number; items: number }> {
  let batch: ShopCustomer[] = [];
  let written = 0;
  let items = 0;
  const flush = async (): Promise<void> => {
    const rows = batch.map((c) => ({
      customer_id: c.id,
      orders: c.orders.length,
      first_purchase_at: new Date(c.orders[0]!.at).toISOString(),
      last_purchase_at: new Date(c.orders.at(-1)!.at).toISOString(),
      purchases: c.orders.map((o, k) => [o.at, `o-${k}`, o.total, 'EUR']),
    }));
    await db.query(
      `INSERT INTO journey.customer_360 (customer_id, profile, identities, consent, orders, orders_by_currency, revenue, refunds, refund_count,
         first_purchase_at, last_purchase_at, categories, products, purchases, views, searches, carts, open_tickets, tickets_total, messages, stage, forgotten, event_count)
       SELECT customer_id, '{}', '[]', '{}', orders, '{}', '{}', '{}', 0, first_purchase_at, last_purchase_at, '{}', '{}', purchases, 0, 0, 0, '[]', 0, '{}', 'repeat', false, orders
       FROM json_to_recordset($1::json) AS x(customer_id text, orders integer, first_purchase_at timestamptz, last_purchase_at timestamptz, purchases jsonb)`,
      [JSON.stringify(rows)],
    );
    const itemRows: Array<{ customer_id: string; sku: string; ordinal: number; purchases: number; first_bought_at: string; last_bought_at: string }> = [];
    for (const c of batch) {
      const seen = new Map<number, { n: number; first: number; last: number }>();
      for (const o of c.orders) {
        for (const sku of o.skus) {
          const s = seen.get(sku);
          if (s) {
            s.n++;
            s.last = o.at;
          } else seen.set(sku, { n: 1, first: o.at, last: o.at });
        }
      }
      let ordinal = 0;
      for (const [sku, s] of seen) {
        ordinal++;
        itemRows.push({ customer_id: c.id, sku: `P${sku}`, ordinal, purchases: s.n, first_bought_at: new Date(s.first).toISOString(), last_bought_at: new Date(s.last).toISOString() });
      }
    }
    items += itemRows.length;
    await db.query(
      `INSERT INTO journey.customer_items (customer_id, sku, ordinal, purchases, first_bought_at, last_bought_at)
       SELECT customer_id, sku, ordinal, purchases, first_bought_at, last_bought_at
       FROM json_to_recordset($1::json) AS x(customer_id text, sku text, ordinal integer, purchases integer, first_bought_at timestamptz, last_bought_at timestamptz)`,
      [JSON.stringify(itemRows)],
    );
    written += batch.length;
    batch = [];
    onBatch(written);
  };
  for (const customer of customers) {
    batch.push(customer);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  return { customers: written, items };
}

/**
 * The item similarity's sums over the written items, as the customer-items fold would have kept
 * them event by event (a customer's first PAIRED_ITEMS items paired; 1 bought, VIEW_WEIGHT viewed).
 * Returns the pair rows.
 */
export async function sumSimilarity(db: Database): Promise<number> {
  const paired = `SELECT customer_id, sku, CASE WHEN purchases > 0 THEN 1 ELSE ${VIEW_WEIGHT} END::float8 AS w
                  FROM journey.customer_items WHERE ordinal <= ${PAIRED_ITEMS} AND (purchases > 0 OR views > 0)`;
  await db.query(
    `INSERT INTO journey.item_stats (sku, norm, buyers, last_seen)
     SELECT sku, coalesce(sum(w * w) FILTER (WHERE ordinal <= ${PAIRED_ITEMS}), 0), count(*) FILTER (WHERE ordinal <= ${PAIRED_ITEMS} AND purchases > 0),
            max(GREATEST(last_bought_at, last_viewed_at))
     FROM (SELECT *, CASE WHEN purchases > 0 THEN 1 ELSE ${VIEW_WEIGHT} END::float8 AS w FROM journey.customer_items) i GROUP BY sku`,
  );
  const { rowCount } = await db.query(
    `INSERT INTO journey.item_pairs (sku_a, sku_b, co)
     SELECT a.sku, b.sku, sum(a.w * b.w) FROM (${paired}) a JOIN (${paired}) b ON b.customer_id = a.customer_id AND b.sku <> a.sku
     GROUP BY a.sku, b.sku`,
  );
  return rowCount;
}
