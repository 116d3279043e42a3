import { bgNbdLogLikelihood, expectedPurchases, expectedPurchasesNewCustomer, fitBgNbd, probabilityAlive } from './bg-nbd';
import { compressSummaries, summariesOf } from './purchase-summary';
import { loadCdnow } from './testing/cdnow';

/**
 * The CDNOW sample (test/fixtures/cdnow/README.md): 2,357 customers, 39 weeks. Published BG/NBD
 * results: Fader, Hardie & Lee (2005), "Counting your customers the easy way", Marketing Science
 * 24(2): r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4; the expectations from
 * Hardie's spreadsheet of that paper.
 */
const published = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const cdnow = summariesOf(loadCdnow());

describe('BG/NBD on the CDNOW sample', () => {
  const fit = fitBgNbd(cdnow);

  it('fits the published parameters and log-likelihood', () => {
    expect(fit.params.r).toBeCloseTo(published.r, 3);
    expect(fit.params.alpha).toBeCloseTo(published.alpha, 2);
    expect(fit.params.a).toBeCloseTo(published.a, 3);
    expect(fit.params.b).toBeCloseTo(published.b, 2);
    expect(fit.logLikelihood).toBeCloseTo(-9582.4, 1);
    expect(fit.converged).toBe(true);
  });

  it('folding identical histories changes neither the likelihood nor the fit', () => {
    const compressed = compressSummaries(cdnow);
    expect(compressed.length).toBeLessThan(cdnow.length);
    expect(bgNbdLogLikelihood(published, compressed)).toBeCloseTo(bgNbdLogLikelihood(published, cdnow), 6);
  });

  it('expects 1.226 purchases in the next 39 weeks from the customer with x = 2, t_x = 30.43, T = 38.86', () => {
    expect(expectedPurchases(fit.params, { frequency: 2, recency: 30.43, T: 38.86 }, 39)).toBeCloseTo(1.226, 3);
  });

  it("gives the spreadsheet's E[X(t)] for a new customer", () => {
    const weeks = [0.1429, 1, 3, 31.8571, 32, 78];
    const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    weeks.forEach((t, i) => expect(expectedPurchasesNewCustomer(fit.params, t)).toBeCloseTo(expected[i]!, 3));
  });

  it('P(alive) is 1 without repeat purchases and falls as the last purchase ages', () => {
    expect(probabilityAlive(published, { frequency: 0, recency: 0, T: 38 })).toBe(1);
    const recent = probabilityAlive(published, { frequency: 5, recency: 37, T: 38 });
    const old = probabilityAlive(published, { frequency: 5, recency: 5, T: 38 });
    expect(recent).toBeGreaterThan(0.85);
    expect(old).toBeLessThan(0.2);
    expect(old).toBeGreaterThan(0);
  });

  it('stays finite for heavy buyers, where the naive ratio overflows', () => {
    const heavy = { frequency: 5000, recency: 1, T: 500 };
    expect(((published.alpha + heavy.T) / (published.alpha + heavy.recency)) ** (published.r + heavy.frequency)).toBe(Infinity);
    const data = summariesOf([heavy, { frequency: 4000, recency: 499, T: 500 }]);
    expect(Number.isFinite(bgNbdLogLikelihood(published, data))).toBe(true);
    expect(probabilityAlive(published, heavy)).toBe(0);
    const busy = { frequency: 4000, recency: 500, T: 500 };
    expect(probabilityAlive(published, busy)).toBeGreaterThan(0.999);
    const next = expectedPurchases(published, busy, 52);
    // About 8 a week while alive: 52 × (r + x)/(α + T) ≈ 412, less the drop-out after each purchase
    // (p ~ Beta(a, b + x − 1), mean 2e-4: alive after 412 more with probability ≈ (4002/4414)^0.793 ≈ 0.93).
    expect(next).toBeGreaterThan(380);
    expect(next).toBeLessThan(412);
  });
});

describe('BG/NBD at the edges', () => {
  it('gives finite expectations where the population shows no drop-out (a and b very large)', () => {
    const params = { r: 2, alpha: 10, a: 5e4, b: 1e5 };
    const c = { frequency: 3, recency: 20, T: 30 };
    const next = expectedPurchases(params, c, 52);
    expect(Number.isFinite(next)).toBe(true);
    expect(next).toBeGreaterThan(0);
    expect(Number.isFinite(expectedPurchasesNewCustomer(params, 52))).toBe(true);
  });

  it('keeps the fit within bounds on a population with no drop-out', () => {
    const steady = summariesOf(Array.from({ length: 200 }, (_, i) => ({ frequency: 1 + (i % 5), recency: 30 + (i % 7), T: 38 })));
    const fit = fitBgNbd(steady);
    for (const value of Object.values(fit.params)) expect(Number.isFinite(value)).toBe(true);
    expect(Number.isFinite(expectedPurchases(fit.params, { frequency: 2, recency: 30, T: 38 }, 52))).toBe(true);
  });
});
