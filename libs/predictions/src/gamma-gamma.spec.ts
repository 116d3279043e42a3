import { expectedAverageOrderValue, fitGammaGamma, gammaGammaLogLikelihood, populationMeanSpend } from './gamma-gamma';
import { loadCdnow } from './testing/cdnow';

/**
 * The CDNOW sample's repeat customers (946 of 2,357; test/fixtures/cdnow/README.md). Published
 * Gamma-Gamma results: Fader & Hardie, "The Gamma-Gamma model of monetary value" (note 025,
 * 2013): p = 6.25, q = 3.74, γ = 15.44, and the conditional expectations of its spreadsheet.
 */
const repeat = loadCdnow().filter((c) => c.frequency > 0);
const data = { length: repeat.length, frequency: Int32Array.from(repeat.map((c) => c.frequency)), monetary: Float64Array.from(repeat.map((c) => c.monetary)) };
const published = { p: 6.25, q: 3.74, gamma: 15.44 };

describe('Gamma-Gamma spend on the CDNOW sample', () => {
  it('fits the published parameters', () => {
    expect(repeat).toHaveLength(946);
    const fit = fitGammaGamma(data);
    expect(fit.params.p).toBeCloseTo(published.p, 1);
    expect(fit.params.q).toBeCloseTo(published.q, 1);
    expect(fit.params.gamma).toBeCloseTo(published.gamma, 1);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(gammaGammaLogLikelihood(published, data) - 1e-6);
  });

  it("gives the spreadsheet's expected order values for the first customers, with the fitted parameters", () => {
    const { params } = fitGammaGamma(data);
    const firstTen = loadCdnow().slice(0, 10);
    const expected = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
    firstTen.forEach((c, i) => expect(Math.abs(expectedAverageOrderValue(params, c.frequency, c.monetary) - expected[i]!)).toBeLessThan(0.01));
  });

  it('hands one-purchase customers the population mean, γp/(q − 1)', () => {
    // 15.44 × 6.25 / 2.74 = 35.2190…
    expect(populationMeanSpend(published)).toBeCloseTo(35.219, 3);
    expect(expectedAverageOrderValue(published, 0, 0)).toBe(populationMeanSpend(published));
  });

  it('weighs a customer’s own mean more the more they bought: p(γ + x·m̄)/(px + q − 1)', () => {
    // x = 2, m̄ = 22.35: 6.25 × (15.44 + 44.70) / (12.5 + 2.74) = 375.875 / 15.24 = 24.6637…
    expect(expectedAverageOrderValue(published, 2, 22.35)).toBeCloseTo(24.6637, 4);
    expect(Math.abs(expectedAverageOrderValue(published, 100, 80) - 80)).toBeLessThan(Math.abs(expectedAverageOrderValue(published, 2, 80) - 80));
  });
});
