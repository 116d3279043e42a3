import { quintiles, rfmInput, scoreRfm, segmentOf, DEFAULT_TIER_CUTOFFS, type RfmInput } from './rfm';

const DAY = 86_400_000;
const now = Date.parse('2026-06-01T00:00:00Z');
const rates = { base: 'EUR', rates: { USD: 0.9 } };

describe('RFM', () => {
  it('reads recency, frequency and monetary value over the window, converting currencies and counting the rest apart', () => {
    const input = rfmInput(
      'c-1',
      [
        { at: now - 400 * DAY, orderId: 'o-0', total: 9999, currency: 'EUR' },
        { at: now - 100 * DAY, orderId: 'o-1', total: 1000, currency: 'EUR' },
        { at: now - 50 * DAY, orderId: 'o-2', total: 1000, currency: 'USD' },
        { at: now - 10 * DAY, orderId: 'o-3', total: 700, currency: 'JPY' },
      ],
      now,
      { windowDays: 365, rates, tierCutoffs: DEFAULT_TIER_CUTOFFS },
    );
    expect(input).toEqual({ customerId: 'c-1', recencyDays: 10, frequency: 3, monetary: 1900, unconverted: { JPY: 700 } });
    expect(rfmInput('c-2', [], now, { windowDays: 365, rates, tierCutoffs: DEFAULT_TIER_CUTOFFS })).toBeUndefined();
  });

  it('scores as of its instant: a purchase after it counts from the next run, recency included', () => {
    const options = { windowDays: 365, rates, tierCutoffs: DEFAULT_TIER_CUTOFFS };
    const earlier = { at: now - 10 * DAY, orderId: 'o-1', total: 1000, currency: 'EUR' };
    const later = { at: now + 60_000, orderId: 'o-2', total: 1000, currency: 'EUR' };
    expect(rfmInput('c-1', [earlier, later], now, options)).toMatchObject({ recencyDays: 10, frequency: 1, monetary: 1000 });
    expect(rfmInput('c-2', [later], now, options)).toBeUndefined();
  });

  it('sums monetary value in minor units of the base currency across currencies of other minor units', () => {
    // ¥10,000 (JPY has no minor unit) is 62.00 EUR; 1.000 KWD (1000 fils) is 2.80 EUR.
    const euro = { base: 'EUR', rates: { JPY: 0.0062, KWD: 2.8 } };
    const purchases = [
      { at: now - 2 * DAY, orderId: 'o-1', total: 10_000, currency: 'JPY' },
      { at: now - DAY, orderId: 'o-2', total: 1000, currency: 'KWD' },
    ];
    expect(rfmInput('c-1', purchases, now, { windowDays: 365, rates: euro, tierCutoffs: DEFAULT_TIER_CUTOFFS })!.monetary).toBe(6480);
  });

  it('scores by quintile, ties alike', () => {
    expect(quintiles([10, 20, 30, 40, 50])).toEqual([1, 2, 3, 4, 5]);
    expect(quintiles([7, 7, 7])).toEqual([1, 1, 1]);
    expect(quintiles([1, 1, 1, 1, 1, 1, 9, 9, 9, 9])).toEqual([1, 1, 1, 1, 1, 1, 4, 4, 4, 4]);
  });

  it('names the segment of every recency × frequency pair', () => {
    const grid = [1, 2, 3, 4, 5].map((r) => [1, 2, 3, 4, 5].map((f) => segmentOf(r, f)));
    expect(grid).toEqual([
      ['Lost', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose Them"],
      ['Hibernating', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose Them"],
      ['About to Sleep', 'About to Sleep', 'Need Attention', 'Loyal', 'Loyal'],
      ['Promising', 'Potential Loyalist', 'Potential Loyalist', 'Loyal', 'Loyal'],
      ['New', 'Potential Loyalist', 'Potential Loyalist', 'Champions', 'Champions'],
    ]);
  });

  it('scores a small population as computed by hand', () => {
    // recency days, orders, revenue (EUR cents)
    const people: Array<[string, number, number, number]> = [
      ['ann', 2, 12, 250_000],
      ['bob', 10, 6, 90_000],
      ['cat', 40, 3, 30_000],
      ['dan', 90, 2, 12_000],
      ['eve', 200, 1, 4_000],
      ['fay', 5, 1, 3_000],
      ['gus', 300, 8, 150_000],
      ['hal', 60, 1, 2_000],
      ['ida', 20, 4, 45_000],
      ['jon', 150, 2, 8_000],
    ];
    const population: RfmInput[] = people.map(([customerId, recencyDays, frequency, monetary]) => ({ customerId, recencyDays, frequency, monetary, unconverted: {} }));
    const scores = Object.fromEntries(scoreRfm(population, { tierCutoffs: DEFAULT_TIER_CUTOFFS }).map((s) => [s.customerId, s]));
    // Recency ranks (most recent best): ann 2, fay 5, bob 10, ida 20, cat 40, hal 60, dan 90, jon 150, eve 200, gus 300.
    // Score = 1 + floor(5 × values below / 10). Frequency: 1 (eve, fay, hal) → 1; 2 (dan, jon) → 2;
    // 3 → 3; 4 → 4; 6 → 4; 8 → 5; 12 → 5.
    expect(scores.ann).toMatchObject({ recency: 5, frequency: 5, monetary: 5, segment: 'Champions', tier: 'high' });
    expect(scores.bob).toMatchObject({ recency: 4, frequency: 4, monetary: 4, segment: 'Loyal', tier: 'high' });
    expect(scores.fay).toMatchObject({ recency: 5, frequency: 1, monetary: 1, segment: 'New', tier: 'low' });
    expect(scores.gus).toMatchObject({ recency: 1, frequency: 5, monetary: 5, segment: "Can't Lose Them", tier: 'medium' });
    expect(scores.eve).toMatchObject({ recency: 1, frequency: 1, monetary: 2, segment: 'Lost', tier: 'low' });
    expect(scores.cat).toMatchObject({ recency: 3, frequency: 3, monetary: 3, segment: 'Need Attention', tier: 'medium' });
    expect(scores.jon).toMatchObject({ recency: 2, frequency: 2, monetary: 2, segment: 'Hibernating', tier: 'low' });
  });
});
