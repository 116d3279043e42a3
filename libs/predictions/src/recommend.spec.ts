import { buildSimilarity, hitRateAtK, popularItems, recommend } from './recommend';
import { seededRandom } from './simulate';

describe('item-to-item recommendations', () => {
  it('scores items bought together above the rest, cosine-normalised', () => {
    // 0 and 1 go together; 2 is bought by everyone (popular, but with everything alike).
    const customers = [
      { bought: [0, 1, 2], viewed: [] },
      { bought: [0, 1, 2], viewed: [] },
      { bought: [0, 2], viewed: [] },
      { bought: [2, 3], viewed: [] },
      { bought: [2, 3], viewed: [] },
    ];
    const sim = buildSimilarity(customers, 4);
    const neighbours = (i: number) => [...sim.neighbours.slice(sim.offsets[i]!, sim.offsets[i + 1]!)];
    const score = (a: number, b: number) => sim.scores[sim.offsets[a]! + neighbours(a).indexOf(b)]!;
    // cos(0, 1) = 2 / √(3 · 2)
    expect(score(0, 1)).toBeCloseTo(2 / Math.sqrt(6), 6);
    expect(neighbours(1)[0]).toBe(0);
    expect(recommend(sim, { bought: [1], viewed: [] }, () => true, [], 1)).toEqual([0]);
  });

  it('leaves out what the customer bought and what is outside the catalogue window, and fills up with popular items', () => {
    const sim = buildSimilarity([{ bought: [0, 1, 2], viewed: [] }, { bought: [0, 1], viewed: [] }, { bought: [3], viewed: [] }], 5);
    const inWindow = (item: number) => item !== 2;
    const popular = popularItems(sim, inWindow);
    const recs = recommend(sim, { bought: [0], viewed: [] }, inWindow, popular, 5);
    expect(recs).toEqual([1, 3]);
    expect(recs).not.toContain(0);
    expect(recs).not.toContain(2);
  });

  it('counts a co-view as a quarter of a co-purchase', () => {
    // 0 with 1 bought together once; 0 with 2 only viewed together once; 1 and 2 each bought once more alone.
    const sim = buildSimilarity([{ bought: [0, 1], viewed: [] }, { bought: [0], viewed: [2] }, { bought: [2], viewed: [] }, { bought: [1], viewed: [] }], 3);
    const row = [...sim.neighbours.slice(sim.offsets[0]!, sim.offsets[1]!)];
    expect(row).toEqual([1, 2]);
    expect(sim.scores[sim.offsets[0]!]).toBeCloseTo(1 / Math.sqrt(2 * 2), 6);
    expect(sim.scores[sim.offsets[0]! + 1]).toBeCloseTo(0.25 / Math.sqrt(2 * (0.0625 + 1)), 6);
  });

  it('beats the popularity baseline at hit rate 5 on a time split of a shop with taste', () => {
    // 200 items in 20 tastes of 10; each customer buys within one taste, with 10 % strays;
    // items of low index in each taste are more popular overall.
    const random = seededRandom(21);
    const pick = (taste: number) => (random() < 0.1 ? Math.floor(random() * 200) : taste * 10 + Math.floor(random() * random() * 10));
    const histories = Array.from({ length: 3000 }, () => {
      const taste = Math.floor(random() * 20);
      return { before: [...new Set(Array.from({ length: 4 }, () => pick(taste)))], after: Array.from({ length: 2 }, () => pick(taste)) };
    });
    const sim = buildSimilarity(histories.map((h) => ({ bought: h.before, viewed: [] })), 200);
    const rates = hitRateAtK(sim, histories.map((h) => ({ before: { bought: h.before, viewed: [] }, after: h.after })), () => true);
    expect(rates.customers).toBeGreaterThan(1000);
    expect(rates.itemToItem).toBeGreaterThan(rates.popularity! + 0.2);
  });

  it('gives no hit rate, rather than a number, when no customer bought anything new after the split', () => {
    const sim = buildSimilarity([{ bought: [1, 2], viewed: [] }], 10);
    expect(hitRateAtK(sim, [{ before: { bought: [1, 2], viewed: [] }, after: [1] }], () => true)).toEqual({ customers: 0, itemToItem: null, popularity: null });
  });
});
