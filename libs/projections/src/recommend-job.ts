import type { Queryable } from '@journey/database';
import { buildSimilarity, compareSkus, hitRateAtK, PAIRED_ITEMS, popularItems, recommend, type CustomerItems, type HitRates } from '@journey/predictions';
import { LIVE_ITEM_TABLES } from './item-tables';

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

/** Every customer's top five, in customer-id order (the order the prediction job scores in). */
export interface Recommendations {
  readonly report: RecommendationReport;
  /** The snapshot taken before the items were read: top fives the live fold wrote after it are newer than these. */
  readonly snapshot: string;
  /** The SKUs recommended to a customer (empty for one the items model does not know). */
  of(customerId: string): string[];
}

/** A growable list of int32 (a million customers' items in a few flat buffers). */
class IntList {
  private data = new Int32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  view(from: number, to: number): Int32Array {
    return this.data.subarray(from, to);
  }
}

/**
 * Per customer, six lists over flat buffers: paired items bought and viewed now; paired items
 * bought and viewed before the split; bought after it; every item bought (what is left out of the
 * top five). Item ids are in SKU code-point order.
 */
interface Loaded {
  readonly ids: string[];
  readonly skus: string[];
  readonly lastSeen: Float64Array;
  readonly snapshot: string;
  readonly lists: IntList[];
  /** offsets[list][customer]: where the customer's entries of each list start (one more entry at the end). */
  readonly offsets: IntList[];
}

const NOW_BOUGHT = 0;
const NOW_VIEWED = 1;
const BEFORE_BOUGHT = 2;
const BEFORE_VIEWED = 3;
const AFTER_BOUGHT = 4;
const OWNED = 5;
const LISTS = 6;

/**
 * Recomputes the item-to-item similarity from every customer's items and each customer's top
 * five (bought items and products nobody bought or viewed within the catalogue window left out),
 * and checks the method on a time split: hit rate at 5 against the popularity baseline. The
 * similarity is the one the live fold keeps in journey.item_pairs (same sums, same cosine, same
 * ties): this is the full refresh, for the customers who did not buy since (their neighbours'
 * similarities moved with other customers' purchases).
 */
export async function computeRecommendations(
  db: Queryable,
  options: { readonly catalogueWindowDays: number },
  now: Date,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<Recommendations> {
  const split = now.getTime() - EVALUATION_DAYS * DAY_MS;
  const data = await load(db, split);
  const count = data.ids.length;
  const items = data.skus.length;
  const windowStart = now.getTime() - options.catalogueWindowDays * DAY_MS;
  const inWindow = (item: number): boolean => data.lastSeen[item]! >= windowStart;
  const list = (which: number, customer: number): Int32Array =>
    data.lists[which]!.view(data.offsets[which]!.view(customer, customer + 1)[0]!, data.offsets[which]!.view(customer + 1, customer + 2)[0]!);
  function* customers(bought: number, viewed: number): Generator<CustomerItems> {
    for (let i = 0; i < count; i++) yield { bought: list(bought, i), viewed: list(viewed, i), owned: list(OWNED, i) };
  }

  const checkSimilarity = buildSimilarity(customers(BEFORE_BOUGHT, BEFORE_VIEWED), items);
  const cases = (function* () {
    for (let i = 0; i < count; i++) yield { before: { bought: list(BEFORE_BOUGHT, i), viewed: list(BEFORE_VIEWED, i) }, after: list(AFTER_BOUGHT, i) };
  })();
  const check = hitRateAtK(checkSimilarity, cases, (item) => data.lastSeen[item]! >= split - options.catalogueWindowDays * DAY_MS, TOP);

  const similarity = buildSimilarity(customers(NOW_BOUGHT, NOW_VIEWED), items);
  const popular = popularItems(similarity, inWindow);
  const top = new Int32Array(count * TOP).fill(-1);
  let recommended = 0;
  for (let i = 0; i < count; i++) {
    const recs = recommend(similarity, { bought: list(NOW_BOUGHT, i), viewed: list(NOW_VIEWED, i), owned: list(OWNED, i) }, inWindow, popular, TOP);
    if (recs.length > 0) recommended++;
    recs.forEach((item, k) => (top[i * TOP + k] = item));
    if (i % 100_000 === 0) onProgress(i, count);
  }
  onProgress(count, count);
  const position = new Map<string, number>();
  data.ids.forEach((id, i) => position.set(id, i));
  let windowed = 0;
  for (let i = 0; i < items; i++) if (inWindow(i)) windowed++;
  return {
    snapshot: data.snapshot,
    report: { customers: count, products: items, inWindow: windowed, recommended, check: { ...check, split: new Date(split).toISOString(), k: TOP } },
    of(customerId) {
      const at = position.get(customerId);
      if (at === undefined) return [];
      const skus: string[] = [];
      for (let k = 0; k < TOP; k++) if (top[at * TOP + k]! >= 0) skus.push(data.skus[top[at * TOP + k]!]!);
      return skus;
    },
  };
}

async function load(db: Queryable, split: number): Promise<Loaded> {
  const { rows: taken } = await db.query<{ snapshot: string }>('SELECT pg_current_snapshot()::text AS snapshot');
  const index = new Map<string, number>();
  const skus: string[] = [];
  const idOf = (sku: string): number => {
    let id = index.get(sku);
    if (id === undefined) {
      id = skus.length;
      index.set(sku, id);
      skus.push(sku);
    }
    return id;
  };
  const lists = Array.from({ length: LISTS }, () => new IntList());
  const offsets = Array.from({ length: LISTS }, () => new IntList());
  const ids: string[] = [];
  let after = '';
  for (;;) {
    const { rows } = await db.query<{ customer_id: string; items: Array<[string, number, number | null, number, number | null, number]> }>(
      `SELECT customer_id, json_agg(json_build_array(sku, purchases, extract(epoch FROM first_bought_at) * 1000,
              views, extract(epoch FROM last_viewed_at) * 1000, ordinal)) AS items
       FROM ${LIVE_ITEM_TABLES.items} WHERE customer_id > $1 GROUP BY customer_id ORDER BY customer_id LIMIT ${PAGE}`,
      [after],
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      lists.forEach((list, k) => offsets[k]!.push(list.length));
      for (const [sku, purchases, firstBought, views, lastViewed, ordinal] of row.items) {
        const id = idOf(sku);
        const paired = ordinal <= PAIRED_ITEMS;
        if (purchases > 0) {
          lists[OWNED]!.push(id);
          if (paired) lists[NOW_BOUGHT]!.push(id);
          if (firstBought === null || firstBought >= split) lists[AFTER_BOUGHT]!.push(id);
          else if (paired) lists[BEFORE_BOUGHT]!.push(id);
        } else if (views > 0 && paired) {
          lists[NOW_VIEWED]!.push(id);
          if (lastViewed !== null && lastViewed < split) lists[BEFORE_VIEWED]!.push(id);
        }
      }
      ids.push(row.customer_id);
    }
    after = rows[rows.length - 1]!.customer_id;
  }
  lists.forEach((list, k) => offsets[k]!.push(list.length));
  // Ids in SKU order (ties between items go to the lower SKU, as in the live fold), each customer's lists ascending.
  const sorted = skus.map((sku, id) => ({ sku, id })).sort((x, y) => compareSkus(x.sku, y.sku));
  const renumber = new Int32Array(skus.length);
  sorted.forEach(({ id }, k) => (renumber[id] = k));
  lists.forEach((list, k) => {
    const all = list.view(0, list.length);
    for (let n = 0; n < all.length; n++) all[n] = renumber[all[n]!]!;
    const starts = offsets[k]!;
    for (let c = 0; c + 1 < starts.length; c++) list.view(starts.view(c, c + 1)[0]!, starts.view(c + 1, c + 2)[0]!).sort();
  });
  const ordered = sorted.map(({ sku }) => sku);
  // The catalogue window: each product's last purchase or view by any customer, as the live fold keeps it.
  const lastSeen = new Float64Array(ordered.length).fill(-Infinity);
  const position = new Map(ordered.map((sku, k) => [sku, k] as const));
  const { rows: stats } = await db.query<{ sku: string; last_seen: number | string | null }>(
    `SELECT sku, extract(epoch FROM last_seen) * 1000 AS last_seen FROM ${LIVE_ITEM_TABLES.stats}`,
  );
  for (const row of stats) {
    const at = position.get(row.sku);
    if (at !== undefined && row.last_seen !== null) lastSeen[at] = Number(row.last_seen);
  }
  return { ids, skus: ordered, lastSeen, lists, offsets, snapshot: taken[0]!.snapshot };
}
