import { HistoryTally } from './history-tally';
import { expectedAverageOrderValue, populationMeanSpend } from './gamma-gamma';
import { expectedOrderValue, type FittedModels } from './score';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T00:00:00Z');
// The published CDNOW fits (FHL 2005; Fader & Hardie 2013).
const gammaGamma = { p: 6.25, q: 3.74, gamma: 15.44 };
const bgNbd = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('the expected order value', () => {
  const models: FittedModels = { bgNbd, gammaGamma, meanOrderValue: 35 };

  it("weighs a repeat buyer's own mean with the spend model's population", () => {
    expect(expectedOrderValue(models, { frequency: 2, recency: 10, T: 20, monetary: 22.35 })).toBeCloseTo(expectedAverageOrderValue(gammaGamma, 2, 22.35), 10);
  });

  it('is the population mean for a repeat buyer none of whose repeat orders has a value in the base currency', () => {
    const tally = new HistoryTally(NOW, 0);
    // The first order in the base currency, ten repeat orders in a currency without a rate.
    const purchases = [{ at: NOW - 300 * DAY, value: 3500 }, ...Array.from({ length: 10 }, (_, i) => ({ at: NOW - (250 - 20 * i) * DAY, value: undefined }))];
    const { now: input } = tally.add({ orders: 11, firstPurchaseAt: purchases[0]!.at, lastPurchaseAt: purchases[10]!.at, purchases });
    expect(input).toMatchObject({ frequency: 10, monetary: 0 });
    expect(expectedOrderValue(models, input)).toBeCloseTo(populationMeanSpend(gammaGamma), 10);
  });

  it("is the shop's mean without a spend model, for a one-time buyer and a repeat buyer of unknown spend alike", () => {
    const withoutSpend: FittedModels = { ...models, gammaGamma: null };
    expect(expectedOrderValue(withoutSpend, { frequency: 0, recency: 0, T: 5, monetary: 0 })).toBe(35);
    expect(expectedOrderValue(withoutSpend, { frequency: 4, recency: 3, T: 5, monetary: 0 })).toBe(35);
    expect(expectedOrderValue(withoutSpend, { frequency: 4, recency: 3, T: 5, monetary: 50 })).toBe(50);
  });
});
