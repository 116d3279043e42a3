import { compareSkus, PAIRED_ITEMS, VIEW_WEIGHT } from './recommend';

/**
 * The similarity's sums kept up event by event: for two items a and b, co(a, b) = Σ w(a)·w(b)
 * over the customers who have both among their paired items, norm(a) = Σ w(a)², and buyers(a),
 * the customers who bought a; w is 1 for an item bought, VIEW_WEIGHT for one only viewed. A
 * customer's weight of an item changes only on the first view or the first purchase of it: that
 * change, times the weight of each of their other paired items, is what an event adds. These are
 * the sums `buildSimilarity` takes at once, so the cosine of either is the same number.
 */
export interface CustomerItem {
  purchases: number;
  views: number;
  /** The order in which the customer first bought or viewed the item (1, 2, …); only the first PAIRED_ITEMS are paired. */
  readonly ordinal: number;
}

/** What a customer's item weighs in the similarity (0 for one they neither bought nor viewed). */
export function itemWeight(item: Pick<CustomerItem, 'purchases' | 'views'> | undefined): number {
  if (!item) return 0;
  return item.purchases > 0 ? 1 : item.views > 0 ? VIEW_WEIGHT : 0;
}

const isPaired = (item: CustomerItem): boolean => item.ordinal <= PAIRED_ITEMS;

/** The changes to the sums made by a batch of events, keyed by item (a pair once, by its two items in code-point order). */
export class SimilarityChanges {
  readonly pairs = new Map<string, { a: string; b: string; co: number }>();
  readonly norms = new Map<string, number>();
  readonly buyers = new Map<string, number>();

  /**
   * One customer's item changed from `before` (undefined: new to them) to what `items` now holds.
   * Costs one pair per other paired item of the customer: at most PAIRED_ITEMS − 1.
   */
  changed(items: ReadonlyMap<string, CustomerItem>, sku: string, before: Pick<CustomerItem, 'purchases' | 'views'> | undefined): void {
    const item = items.get(sku);
    if (!item || !isPaired(item)) return;
    const from = itemWeight(before);
    const to = itemWeight(item);
    if (from === to) return;
    this.add(this.norms, sku, to * to - from * from);
    if (to === 1) this.add(this.buyers, sku, 1);
    for (const [other, otherItem] of items) {
      if (other === sku || !isPaired(otherItem)) continue;
      const weight = itemWeight(otherItem);
      if (weight > 0) this.pair(sku, other, (to - from) * weight);
    }
  }

  /** A customer's whole part taken out (they were forgotten). */
  removed(items: ReadonlyMap<string, CustomerItem>): void {
    const paired = [...items].filter(([, item]) => isPaired(item) && itemWeight(item) > 0);
    for (const [sku, item] of paired) {
      const weight = itemWeight(item);
      this.add(this.norms, sku, -weight * weight);
      if (weight === 1) this.add(this.buyers, sku, -1);
    }
    for (let i = 0; i < paired.length; i++) {
      for (let j = i + 1; j < paired.length; j++) this.pair(paired[i]![0], paired[j]![0], -itemWeight(paired[i]![1]) * itemWeight(paired[j]![1]));
    }
  }

  /** The sum of a pair of items, in either order (0 when the batch did not move it). */
  co(a: string, b: string): number {
    return this.pairs.get(pairKey(a, b))?.co ?? 0;
  }

  /** Each pair once, its lower SKU (code-point order) as `a`: journey.item_pairs keeps it so. */
  private pair(a: string, b: string, co: number): void {
    const [x, y] = compareSkus(a, b) < 0 ? [a, b] : [b, a];
    const key = `${x}\u0000${y}`;
    const found = this.pairs.get(key);
    if (found) found.co += co;
    else this.pairs.set(key, { a: x, b: y, co });
  }

  private add(map: Map<string, number>, sku: string, value: number): void {
    map.set(sku, (map.get(sku) ?? 0) + value);
  }
}

function pairKey(a: string, b: string): string {
  return compareSkus(a, b) < 0 ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}
