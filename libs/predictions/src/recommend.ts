/**
 * Item-to-item recommendations from co-purchases (Linden, Smith & York 2003, "Amazon.com
 * recommendations: item-to-item collaborative filtering"): two items are similar when the same
 * customers bought both, cosine-normalised by how many bought each; a co-view counts
 * `viewWeight` of a co-purchase. A customer's candidates are the neighbours of what they bought
 * (and, more weakly, viewed), scored by summed similarity; what they bought already and what is
 * outside the catalogue window are left out; a customer with fewer than k candidates gets the
 * most popular items of the window after them.
 *
 * Only a customer's first PAIRED_ITEMS items (in the order they first bought or viewed them) take
 * part in the similarity and are the sources of their recommendations: the same rule whether the
 * similarity is built here at once or kept up event by event (`item-pairs`), so both give the
 * same numbers; it also bounds what one event of a heavy buyer costs.
 */
/** Item ids: an array, or a typed array over a flat buffer (how a million customers are kept). */
export type ItemIds = readonly number[] | Int32Array;

/** A co-view's weight against a co-purchase's 1. */
export const VIEW_WEIGHT = 0.25;
/** Neighbours kept per item. */
export const NEIGHBOURS = 50;
/** A customer's first items (by first purchase or view) that are paired and recommended from. */
export const PAIRED_ITEMS = 100;

export interface CustomerItems {
  /** Bought items the similarity counts and recommendations start from. */
  readonly bought: ItemIds;
  /** Items viewed and not bought, likewise. */
  readonly viewed: ItemIds;
  /** Every item the customer bought, left out of their recommendations (default: `bought`). */
  readonly owned?: ItemIds;
}

export interface SimilarityOptions {
  /** Neighbours kept per item (default NEIGHBOURS). */
  readonly neighbours?: number;
  /** A co-view's weight against a co-purchase's 1 (default VIEW_WEIGHT). */
  readonly viewWeight?: number;
}

export interface ItemSimilarity {
  readonly items: number;
  /** For item i: neighbours[offsets[i] .. offsets[i+1]) with their similarities, best first. */
  readonly offsets: Int32Array;
  readonly neighbours: Int32Array;
  readonly scores: Float64Array;
  /** Buyers per item (the popularity baseline's order). */
  readonly buyers: Float64Array;
}

/**
 * SKUs in code-point order (PostgreSQL's "C" collation of UTF-8 text): item ids are given in this
 * order wherever ties between items are broken by id, so every path breaks them alike.
 */
export function compareSkus(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** The cosine of two items from their co-count and norms, as every path computes it (the same float operations). */
export function cosine(co: number, normA: number, normB: number): number {
  return co / Math.sqrt(normA * normB);
}

/**
 * Builds the similarity of `items` items (ids 0 … items − 1) from every customer's bought and
 * viewed items (their paired ones: the caller leaves out items past PAIRED_ITEMS). Ties between
 * neighbours go to the lower id. The customers are read once into an item → customers index (flat arrays); each
 * item's row is then summed in a dense scratch array over the customers who touched it, so
 * memory stays at the size of the data, not of the pairs.
 */
export function buildSimilarity(customers: Iterable<CustomerItems>, items: number, options: SimilarityOptions = {}): ItemSimilarity {
  const keep = options.neighbours ?? NEIGHBOURS;
  const viewWeight = options.viewWeight ?? VIEW_WEIGHT;
  const norm = new Float64Array(items);
  const buyers = new Float64Array(items);
  // Customer → (item, weight) in flat lists.
  let touchedItems = new Int32Array(1024);
  let touchedWeights = new Float32Array(1024);
  let touched = 0;
  const customerStart: number[] = [0];
  const add = (item: number, w: number): void => {
    if (touched === touchedItems.length) {
      const grownItems = new Int32Array(touched * 2);
      grownItems.set(touchedItems);
      touchedItems = grownItems;
      const grownWeights = new Float32Array(touched * 2);
      grownWeights.set(touchedWeights);
      touchedWeights = grownWeights;
    }
    touchedItems[touched] = item;
    touchedWeights[touched++] = w;
    norm[item] = norm[item]! + w * w;
  };
  for (const customer of customers) {
    const bought = new Set<number>();
    for (const item of customer.bought) {
      if (bought.has(item)) continue;
      bought.add(item);
      buyers[item] = buyers[item]! + 1;
      add(item, 1);
    }
    const seen = new Set<number>();
    for (const item of customer.viewed) {
      if (bought.has(item) || seen.has(item)) continue;
      seen.add(item);
      add(item, viewWeight);
    }
    customerStart.push(touched);
  }
  const customerCount = customerStart.length - 1;
  const starts = Int32Array.from(customerStart);
  // Item → the customers who touched it (the inverted index), as counts then offsets.
  const itemStart = new Int32Array(items + 1);
  for (let k = 0; k < touched; k++) itemStart[touchedItems[k]! + 1]!++;
  for (let i = 0; i < items; i++) itemStart[i + 1] = itemStart[i + 1]! + itemStart[i]!;
  const byItem = new Int32Array(touched);
  const byItemWeight = new Float32Array(touched);
  const fill = itemStart.slice(0, items);
  for (let c = 0; c < customerCount; c++) {
    for (let k = starts[c]!; k < starts[c + 1]!; k++) {
      const at = fill[touchedItems[k]!]!++;
      byItem[at] = c;
      byItemWeight[at] = touchedWeights[k]!;
    }
  }
  const scratch = new Float64Array(items);
  const offsets = new Int32Array(items + 1);
  const rows: Array<Array<[number, number]>> = [];
  const hit: number[] = [];
  for (let a = 0; a < items; a++) {
    for (let k = itemStart[a]!; k < itemStart[a + 1]!; k++) {
      const c = byItem[k]!;
      const wa = byItemWeight[k]!;
      for (let j = starts[c]!; j < starts[c + 1]!; j++) {
        const b = touchedItems[j]!;
        if (b === a) continue;
        if (scratch[b] === 0) hit.push(b);
        scratch[b] = scratch[b]! + wa * touchedWeights[j]!;
      }
    }
    const row: Array<[number, number]> = hit.map((b) => [b, cosine(scratch[b]!, norm[a]!, norm[b]!)]);
    for (const b of hit) scratch[b] = 0;
    hit.length = 0;
    row.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    rows.push(row.length > keep ? row.slice(0, keep) : row);
    offsets[a + 1] = offsets[a]! + rows[a]!.length;
  }
  const neighbours = new Int32Array(offsets[items]!);
  const scores = new Float64Array(offsets[items]!);
  rows.forEach((row, i) => row.forEach(([b, score], k) => ((neighbours[offsets[i]! + k] = b), (scores[offsets[i]! + k] = score))));
  return { items, offsets, neighbours, scores, buyers };
}

/** The items of the window, most bought first (the fallback and the baseline). */
export function popularItems(similarity: ItemSimilarity, inWindow: (item: number) => boolean, limit = 100): number[] {
  const ids: number[] = [];
  for (let i = 0; i < similarity.items; i++) if (similarity.buyers[i]! > 0 && inWindow(i)) ids.push(i);
  return ids.sort((a, b) => similarity.buyers[b]! - similarity.buyers[a]! || a - b).slice(0, limit);
}

/**
 * A customer's top k: candidates scored by summed similarity to their bought items (and, times
 * `viewWeight`, to their viewed ones), in the order the lists give them; ties to the lower id.
 */
export function recommend(
  similarity: ItemSimilarity,
  customer: CustomerItems,
  inWindow: (item: number) => boolean,
  popular: readonly number[],
  k = 5,
  viewWeight = VIEW_WEIGHT,
): number[] {
  const owned = new Set(customer.owned ?? customer.bought);
  const scores = new Map<number, number>();
  const from = (item: number, w: number): void => {
    for (let n = similarity.offsets[item]!; n < similarity.offsets[item + 1]!; n++) {
      const candidate = similarity.neighbours[n]!;
      if (owned.has(candidate) || !inWindow(candidate)) continue;
      scores.set(candidate, (scores.get(candidate) ?? 0) + w * similarity.scores[n]!);
    }
  };
  for (const item of customer.bought) from(item, 1);
  for (const item of customer.viewed) if (!owned.has(item)) from(item, viewWeight);
  const ranked = [...scores].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, k).map(([item]) => item);
  for (const item of popular) {
    if (ranked.length >= k) break;
    if (!owned.has(item) && !ranked.includes(item)) ranked.push(item);
  }
  return ranked;
}

/** The popularity baseline: the k most bought items of the window the customer does not own. */
export function recommendPopular(customer: CustomerItems, popular: readonly number[], k = 5): number[] {
  const owned = new Set(customer.owned ?? customer.bought);
  return popular.filter((item) => !owned.has(item)).slice(0, k);
}

export interface HitRates {
  /** Customers who bought something new after the split and had a history before it. */
  readonly customers: number;
  /** The share of those customers who bought one of the item-to-item picks; null when there was none to check. */
  readonly itemToItem: number | null;
  /** The same share for the popularity baseline; null when there was none to check. */
  readonly popularity: number | null;
}

/**
 * Hit rate at k on a time split: recommendations from the history before the split, a hit when
 * the customer bought any of them after it (new items only), beside the popularity baseline.
 */
export function hitRateAtK(
  similarity: ItemSimilarity,
  cases: Iterable<{ readonly before: CustomerItems; readonly after: ItemIds }>,
  inWindow: (item: number) => boolean,
  k = 5,
): HitRates {
  const popular = popularItems(similarity, inWindow);
  let customers = 0;
  let hits = 0;
  let baseline = 0;
  for (const { before, after } of cases) {
    const owned = new Set(before.owned ?? before.bought);
    const bought = new Set([...after].filter((item) => !owned.has(item)));
    if (before.bought.length === 0 || bought.size === 0) continue;
    customers++;
    if (recommend(similarity, before, inWindow, popular, k).some((item) => bought.has(item))) hits++;
    if (recommendPopular(before, popular, k).some((item) => bought.has(item))) baseline++;
  }
  // Without a customer to check there is no rate (NaN would reach JSON as a bare null anyway).
  return { customers, itemToItem: customers > 0 ? hits / customers : null, popularity: customers > 0 ? baseline / customers : null };
}
