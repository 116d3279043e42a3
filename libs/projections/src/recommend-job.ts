import type { Queryable } from '@journey/database';
import { buildSimilarity, hitRateAtK, popularItems, recommend, type CustomerItems, type HitRates } from '@journey/predictions';
import { CUSTOMER_ITEMS_TABLE } from './customer-items.projection';

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

/** Per customer, four lists over flat buffers: bought and viewed now; bought and viewed before the split; bought after it. */
interface Loaded {
  readonly ids: string[];
  readonly skus: string[];
  readonly lastSeen: Float64Array;
  readonly lists: IntList[];
  /** offsets[list][customer]: where the customer's entries of each list start (one more entry at the end). */
  readonly offsets: IntList[];
}

const NOW_BOUGHT = 0;
const NOW_VIEWED = 1;
const BEFORE_BOUGHT = 2;
const BEFORE_VIEWED = 3;
const AFTER_BOUGHT = 4;

/**
 * Recomputes the item-to-item similarity from every customer's items and each customer's top
 * five (bought items and products nobody bought or viewed within the catalogue window left out),
 * and checks the method on a time split: hit rate at 5 against the popularity baseline.
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
    for (let i = 0; i < count; i++) yield { bought: list(bought, i), viewed: list(viewed, i) };
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
    const recs = recommend(similarity, { bought: list(NOW_BOUGHT, i), viewed: list(NOW_VIEWED, i) }, inWindow, popular, TOP);
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
  const lists = Array.from({ length: 5 }, () => new IntList());
  const offsets = Array.from({ length: 5 }, () => new IntList());
  const ids: string[] = [];
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
      lists.forEach((list, k) => offsets[k]!.push(list.length));
      for (const [sku, purchases, firstBought, lastBought, views, lastViewed] of row.items) {
        const id = idOf(sku);
        lastSeen[id] = Math.max(lastSeen[id]!, lastBought ?? -Infinity, lastViewed ?? -Infinity);
        if (purchases > 0) {
          lists[NOW_BOUGHT]!.push(id);
          lists[firstBought !== null && firstBought < split ? BEFORE_BOUGHT : AFTER_BOUGHT]!.push(id);
        } else if (views > 0) {
          lists[NOW_VIEWED]!.push(id);
          if (lastViewed !== null && lastViewed < split) lists[BEFORE_VIEWED]!.push(id);
        }
      }
      ids.push(row.customer_id);
    }
    after = rows[rows.length - 1]!.customer_id;
  }
  lists.forEach((list, k) => offsets[k]!.push(list.length));
  return { ids, skus, lastSeen: Float64Array.from(lastSeen), lists, offsets };
}
