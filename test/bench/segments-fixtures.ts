import type { Database } from '@journey/database';

const DAY_MS = 86_400_000;

/**
 * Fifty segments of the kinds marketers save: 360 fields, consent, net revenue, event windows by
 * category, "none in N days", and membership of other segments.
 */
export function fiftySegments(): Array<Record<string, unknown>> {
  const categories = ['shoes', 'apparel', 'electronics', 'home', 'beauty', 'sports', 'books', 'toys', 'garden', 'food'];
  const segments: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 10; i++) {
    const category = categories[i]!;
    segments.push({ id: `bought-${category}`, name: `Bought ${category} twice in 90 days`, conditions: { event: 'PurchaseCompleted', where: { category }, atLeast: 2, within: '90d' } });
    segments.push({ id: `viewed-${category}`, name: `Viewed ${category}, no purchase in 30 days`, conditions: { all: [{ event: 'ProductViewed', where: { category }, atLeast: 1, within: '30d' }, { event: 'PurchaseCompleted', atMost: 0, within: '30d' }] } });
    segments.push({ id: `rich-${i}`, name: `Net revenue over ${(i + 1) * 100} EUR`, conditions: { all: [{ field: 'netRevenue.EUR', op: 'gte', value: (i + 1) * 10_000 }, { field: 'consent.email:marketing', op: 'eq', value: true }] } });
    segments.push({ id: `stage-${i}`, name: `Stage mix ${i}`, conditions: { any: [{ field: 'stage', op: 'in', value: i % 2 ? ['loyal', 'repeat'] : ['at_risk', 'churned'] }, { field: 'orders', op: 'gte', value: 10 + i }] } });
    segments.push({ id: `z-fans-${category}`, name: `${category} fans, not rich`, conditions: { all: [{ segment: `bought-${category}` }, { not: { segment: `rich-${i}` } }, { event: 'MessageOpened', atMost: 0, within: '30d' }] } });
  }
  return segments;
}

/** The segment the backfill benchmark evaluates: shoes twice in 90 days, 50 EUR net, e-mail consent. */
export const BACKFILL_SEGMENT = {
  id: 'shoe-lovers',
  name: 'Shoes twice in 90 days, 50 EUR net, e-mail consent',
  conditions: {
    all: [
      { event: 'PurchaseCompleted', where: { category: 'shoes' }, atLeast: 2, within: '90d' },
      { field: 'netRevenue.EUR', op: 'gte', value: 5000 },
      { field: 'consent.email:marketing', op: 'eq', value: true },
    ],
  },
};

/**
 * `customers` rows of the 360 written straight in SQL (a population too large to generate as
 * events here): one in ten bought shoes twice in the last 90 days, the others once, long ago.
 */
export async function syntheticPopulation(db: Database, customers: number, now: Date, onProgress: (done: number) => void): Promise<void> {
  const today = Math.floor(now.getTime() / DAY_MS);
  for (let from = 1; from <= customers; from += 100_000) {
    const to = Math.min(customers, from + 99_999);
    await db.query(
      `INSERT INTO journey.customer_360 (customer_id, profile, country, identities, consent, orders, orders_by_currency, revenue, refunds, refund_count,
         categories, products, purchases, views, searches, carts, open_tickets, tickets_total, messages, stage, forgotten, event_count, activity)
       SELECT 'bf-' || lpad(i::text, 8, '0'), '{}'::jsonb, (ARRAY['DE','FR','GB','US'])[1 + i % 4], '[]'::jsonb,
         jsonb_build_object('email:marketing', jsonb_build_object('granted', i % 3 <> 0, 'at', '2026-01-01T00:00:00.000Z')),
         1 + i % 7, jsonb_build_object('EUR', 1 + i % 7), jsonb_build_object('EUR', (1 + i % 7) * 2500), '{}'::jsonb, 0,
         '{"shoes": 2}'::jsonb, '{}'::jsonb, '[]'::jsonb, 0, 0, 0, '[]'::jsonb, 0,
         '{"sent":0,"delivered":0,"opened":0,"clicked":0,"replied":0,"bounced":0}'::jsonb, 'repeat', false, 10,
         CASE WHEN i % 10 = 0
           THEN jsonb_build_object('PurchaseCompleted|category=shoes', jsonb_build_array($3 - 40, 1, $3 - 5, 1), 'PurchaseCompleted', jsonb_build_array($3 - 40, 1, $3 - 5, 1))
           ELSE jsonb_build_object('PurchaseCompleted|category=shoes', jsonb_build_array($3 - 200, 1), 'PurchaseCompleted', jsonb_build_array($3 - 200, 1)) END
       FROM generate_series($1::int, $2::int) AS i`,
      [from, to, today],
    );
    onProgress(to);
  }
  await db.query('ANALYZE journey.customer_360');
}
