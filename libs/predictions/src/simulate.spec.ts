import { expectedPurchases, fitBgNbd } from './bg-nbd';
import { fitGammaGamma } from './gamma-gamma';
import { summariesOf } from './purchase-summary';
import { seededRandom, simulateBgNbd } from './simulate';

/**
 * Populations drawn from known parameters: the fit must recover them. The tolerances are what
 * a population of this size allows (the parameters' sampling error), stated per parameter.
 */
const CUSTOMERS = 20_000;
const random = seededRandom(7);
const ages = Array.from({ length: CUSTOMERS }, () => 26 + random() * 52);

const relative = (found: number, truth: number): number => Math.abs(found - truth) / truth;

describe('recovering known parameters from simulated populations', () => {
  it.each([
    { name: 'CDNOW-like', truth: { r: 0.25, alpha: 4.4, a: 0.8, b: 2.4 } },
    { name: 'frequent, loyal buyers', truth: { r: 2, alpha: 8, a: 0.5, b: 6 } },
  ])('BG/NBD recovers a $name population: r and α within 15 %, a and b within 30 %', ({ truth }) => {
    const population = simulateBgNbd(truth, ages, 11);
    const fit = fitBgNbd(summariesOf(population));
    expect(fit.converged).toBe(true);
    expect(relative(fit.params.r, truth.r)).toBeLessThan(0.15);
    expect(relative(fit.params.alpha, truth.alpha)).toBeLessThan(0.15);
    expect(relative(fit.params.a, truth.a)).toBeLessThan(0.3);
    expect(relative(fit.params.b, truth.b)).toBeLessThan(0.3);
  });

  it('predicts the holdout: expected purchases in the next 26 weeks within 5 % of what the population did', () => {
    const truth = { r: 0.25, alpha: 4.4, a: 0.8, b: 2.4 };
    const population = simulateBgNbd(truth, ages, 12, { horizon: 26 });
    const fit = fitBgNbd(summariesOf(population));
    const predicted = population.reduce((sum, c) => sum + expectedPurchases(fit.params, c, 26), 0);
    const actual = population.reduce((sum, c) => sum + c.future, 0);
    expect(relative(predicted, actual)).toBeLessThan(0.05);
  });

  it('Gamma-Gamma recovers p, q and γ within 15 % from the repeat customers', () => {
    const spend = { p: 6, q: 4, gamma: 15 };
    const population = simulateBgNbd({ r: 2, alpha: 8, a: 0.5, b: 6 }, ages, 13, { spend }).filter((c) => c.frequency > 0);
    const fit = fitGammaGamma({
      length: population.length,
      frequency: Int32Array.from(population.map((c) => c.frequency)),
      monetary: Float64Array.from(population.map((c) => c.monetary)),
    });
    expect(relative(fit.params.p, spend.p)).toBeLessThan(0.15);
    expect(relative(fit.params.q, spend.q)).toBeLessThan(0.15);
    expect(relative(fit.params.gamma, spend.gamma)).toBeLessThan(0.15);
  });
});
