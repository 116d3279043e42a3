import { SimilarityChanges, type CustomerItem } from './item-pairs';
import { buildSimilarity, cosine, PAIRED_ITEMS } from './recommend';
import { seededRandom } from './simulate';

/** Folds one customer's events (view or purchase of an item, in order) into their items and the changes. */
function fold(events: ReadonlyArray<readonly ['view' | 'buy', number]>, changes: SimilarityChanges): Map<string, CustomerItem> {
  const items = new Map<string, CustomerItem>();
  for (const [kind, id] of events) {
    const sku = String(id);
    const found = items.get(sku);
    const before = found && { purchases: found.purchases, views: found.views };
    const item = found ?? { purchases: 0, views: 0, ordinal: items.size + 1 };
    if (kind === 'buy') item.purchases++;
    else item.views++;
    items.set(sku, item);
    changes.changed(items, sku, before);
  }
  return items;
}

/** The customer's paired items as buildSimilarity takes them. */
function asLists(items: Map<string, CustomerItem>): { bought: number[]; viewed: number[] } {
  const paired = [...items].filter(([, item]) => item.ordinal <= PAIRED_ITEMS);
  return {
    bought: paired.filter(([, item]) => item.purchases > 0).map(([sku]) => Number(sku)),
    viewed: paired.filter(([, item]) => item.purchases === 0).map(([sku]) => Number(sku)),
  };
}

describe('the similarity kept up event by event', () => {
  const ITEMS = 30;
  const random = seededRandom(7);
  const histories = Array.from({ length: 300 }, (_, c) =>
    Array.from({ length: c === 0 ? 160 : 1 + Math.floor(random() * 12) }, (_, k): ['view' | 'buy', number] => [
      random() < 0.6 ? 'view' : 'buy',
      c === 0 ? k % 150 : Math.floor(random() * random() * ITEMS),
    ]),
  );

  it('gives the same cosine, to the last bit, as the similarity built at once', () => {
    const changes = new SimilarityChanges();
    const customers = histories.map((events) => fold(events, changes));
    const batch = buildSimilarity(customers.map(asLists), 150, { neighbours: 1000 });
    let compared = 0;
    for (let a = 0; a < 150; a++) {
      for (let n = batch.offsets[a]!; n < batch.offsets[a + 1]!; n++) {
        const b = batch.neighbours[n]!;
        const co = changes.co(String(a), String(b));
        expect(cosine(co, changes.norms.get(String(a))!, changes.norms.get(String(b))!)).toBe(batch.scores[n]);
        compared++;
      }
      expect(changes.buyers.get(String(a)) ?? 0).toBe(batch.buyers[a]);
    }
    expect(compared).toBeGreaterThan(500);
    // Every stored pair with a count is one the batch found, from both its items.
    const nonZero = [...changes.pairs.values()].filter((pair) => pair.co !== 0);
    expect(nonZero.length * 2).toBe(compared);
    expect(nonZero.every((pair) => pair.a < pair.b)).toBe(true);
  });

  it("pairs a heavy buyer's first items only: an event past them adds no pair", () => {
    const changes = new SimilarityChanges();
    const items = fold(histories[0]!, changes);
    expect(items.size).toBe(150);
    const pairsBefore = changes.pairs.size;
    const late = new SimilarityChanges();
    const item = items.get('149')!;
    const before = { purchases: item.purchases, views: item.views };
    item.purchases += item.purchases === 0 ? 1 : 0;
    late.changed(items, '149', before);
    expect(late.pairs.size).toBe(0);
    expect(pairsBefore).toBe((PAIRED_ITEMS * (PAIRED_ITEMS - 1)) / 2);
  });

  it('takes a forgotten customer out to zero', () => {
    const changes = new SimilarityChanges();
    const customers = histories.slice(1, 4).map((events) => fold(events, changes));
    for (const items of customers) changes.removed(items);
    expect([...changes.pairs.values()].every((pair) => pair.co === 0)).toBe(true);
    expect([...changes.norms.values()].every((norm) => norm === 0)).toBe(true);
    expect([...changes.buyers.values()].every((buyers) => buyers === 0)).toBe(true);
  });
});
