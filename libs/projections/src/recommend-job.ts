import type { Queryable } from '@journey/database';
import { buildSimilarity, hitRateAtK, popularItems, recommend, type CustomerItems, type HitRates } from '@journey/predictions';
import { CUSTOMER_ITEMS_TABLE } from './customer-items.projection';
import { PREDICTIONS_TABLE } from './predictions.table';

const DAY_MS = 86_400_000;
const PAGE = 5_000;
/** The evaluation's split: recommendations from the history before it, hits among the purchases of these last days. */
const EVALUATION_DAYS = 30;
const TOP = 5;

export interface RecommendationReport {
  readonly customers: number;
  readonly products: number;
  readonly inWindow: number;
  readonly recommended: number;
  readonly check: HitRates & { readonly split: string; readonly k: number };
}

interface Loaded {
  readonly ids: string[];
  readonly now: CustomerItems[];
  readonly before: CustomerItems[];
  readonly after: number[][];
  readonly skus: string[];
  readonly lastSeen: Float64Array;
}

/**
 * Recomputes the item-to-item similarity from every customer's items, writes each scored
 * customer's top five into their predictions (bought items and products nobody bought or viewed
 * within the catalogue window left out), and checks the method on a time split: hit rate at 5
 * against the popularity baseline.
 */
export async function refreshRecommendations(
  db: Queryable,
  options: { readonly catalogueWindowDays: number },
  now: Date,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<RecommendationReport> {
  const split = now.getTime() - EVALUATION_DAYS * DAY_MS;
  const data = await load(db, split);
  const windowStart = now.getTime() - options.catalogueWindowDays * DAY_MS;
  const inWindow = (item: number): boolean => data.lastSeen[item]! >= windowStart;
  const items = data.skus.length;

  const checkSimilarity = buildSimilarity(data.before, items);
  const cases = data.before.map((before, i) => ({ before, after: data.after[i]! }));
  const check = hitRateAtK(checkSimilarity, cases, (item) => data.lastSeen[item]! >= split - options.catalogueWindowDays * DAY_MS, TOP);

  const similarity = buildSimilarity(data.now, items);
  const popular = popularItems(similarity, inWindow);
  let recommended = 0;
  for (let from = 0; from < data.ids.length; from += PAGE) {
    const rows: Array<{ customer_id: string; recommendations: string[] }> = [];
    for (let i = from; i < Math.min(data.ids.length, from + PAGE); i++) {
      const recs = recommend(similarity, data.now[i]!, inWindow, popular, TOP).map((item) => data.skus[item]!);
      if (recs.length > 0) recommended++;
      rows.push({ customer_id: data.ids[i]!, recommendations: recs });
    }
    await db.query(
      `UPDATE ${PREDICTIONS_TABLE} p SET recommendations = x.recommendations
       FROM json_to_recordset($1::json) AS x(customer_id text, recommendations jsonb) WHERE p.customer_id = x.customer_id`,
      [JSON.stringify(rows)],
    );
    onProgress(Math.min(data.ids.length, from + PAGE), data.ids.length);
  }
  let windowed = 0;
  for (let i = 0; i < items; i++) if (inWindow(i)) windowed++;
  return { customers: data.ids.length, products: items, inWindow: windowed, recommended, check: { ...check, split: new Date(split).toISOString(), k: TOP } };
}

async function load(db: Queryable, split: number): Promise<Loaded> {
  const index = new Map<string, number>();
  const skus: string[] = [];
  const lastSeen: number[] = [];
  const idOf = (sku: string): number => {
    let id = index.get(sku);
    if (id === undefined) {
      id = skus.length;
      index.set(sku, id);
      skus.push(sku);
      lastSeen.push(-Infinity);
    }
    return id;
  };
  const loaded = { ids: [] as string[], now: [] as CustomerItems[], before: [] as CustomerItems[], after: [] as number[][] };
  let after = '';
  for (;;) {
    const { rows } = await db.query<{ customer_id: string; items: Array<[string, number, number | null, number | null, number, number | null]> }>(
      `SELECT customer_id, json_agg(json_build_array(sku, purchases, extract(epoch FROM first_bought_at) * 1000,
              extract(epoch FROM last_bought_at) * 1000, views, extract(epoch FROM last_viewed_at) * 1000)) AS items
       FROM ${CUSTOMER_ITEMS_TABLE} WHERE customer_id > $1 GROUP BY customer_id ORDER BY customer_id LIMIT ${PAGE}`,
      [after],
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const now: CustomerItems = { bought: [], viewed: [] };
      const before: CustomerItems = { bought: [], viewed: [] };
      const later: number[] = [];
      for (const [sku, purchases, firstBought, lastBought, views, lastViewed] of row.items) {
        const id = idOf(sku);
        lastSeen[id] = Math.max(lastSeen[id]!, lastBought ?? -Infinity, lastViewed ?? -Infinity);
        if (purchases > 0) {
          (now.bought as number[]).push(id);
          if (firstBought !== null && firstBought < split) (before.bought as number[]).push(id);
          else later.push(id);
        } else if (views > 0) {
          (now.viewed as number[]).push(id);
          if (lastViewed !== null && lastViewed < split) (before.viewed as number[]).push(id);
        }
      }
      loaded.ids.push(row.customer_id);
      loaded.now.push(now);
      loaded.before.push(before);
      loaded.after.push(later);
    }
    after = rows[rows.length - 1]!.customer_id;
  }
  return { ...loaded, skus, lastSeen: Float64Array.from(lastSeen) };
}
