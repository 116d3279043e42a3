import { nelderMead } from './nelder-mead';
import { lnGamma } from './special-functions';

/**
 * The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie 2013,
 * "The Gamma-Gamma model of monetary value"): a customer's order values are Gamma(p, ν) with
 * ν ~ Gamma(q, γ) across customers. Fitted on customers with at least one repeat purchase,
 * on their mean order value (in minor units of the base currency).
 */
export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly gamma: number;
}

export interface GammaGammaFit {
  readonly params: GammaGammaParams;
  readonly logLikelihood: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
  readonly customers: number;
}

/** Per repeat customer: x repeat purchases with mean value m (m > 0). */
export interface SpendSummaries {
  readonly length: number;
  readonly frequency: Int32Array;
  readonly monetary: Float64Array;
}

/** The log-likelihood of the mean values (the x-dependent constant included, as lifetimes and the note do). */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: SpendSummaries): number {
  return spendLikelihoodOf(data)(params);
}

/**
 * The log-likelihood as a function of the parameters for one data set: ln m̄ and ln x are taken
 * once, and the log-gamma terms once per distinct frequency, so each call costs one logarithm
 * per customer.
 */
export function spendLikelihoodOf(data: SpendSummaries): (params: GammaGammaParams) => number {
  const logM = new Float64Array(data.length);
  let maxX = 0;
  for (let i = 0; i < data.length; i++) {
    logM[i] = Math.log(data.monetary[i]!);
    maxX = Math.max(maxX, data.frequency[i]!);
  }
  const seen = new Uint8Array(maxX + 1);
  for (let i = 0; i < data.length; i++) seen[data.frequency[i]!] = 1;
  const perX = new Float64Array(maxX + 1);
  return ({ p, q, gamma }) => {
    if (!(p > 0 && q > 0 && gamma > 0)) return -Infinity;
    const base = -lnGamma(q) + q * Math.log(gamma);
    for (let x = 1; x <= maxX; x++) if (seen[x]) perX[x] = base + lnGamma(p * x + q) - lnGamma(p * x) + p * x * Math.log(x);
    let total = 0;
    for (let i = 0; i < data.length; i++) {
      const x = data.frequency[i]!;
      const px = p * x;
      total += perX[x]! + (px - 1) * logM[i]! - (px + q) * Math.log(x * data.monetary[i]! + gamma);
    }
    return total;
  };
}

export function fitGammaGamma(data: SpendSummaries, options: { readonly tolerance?: number } = {}): GammaGammaFit {
  if (data.length === 0) throw new RangeError('no repeat customers to fit the spend model on');
  let mean = 0;
  for (let i = 0; i < data.length; i++) mean += data.monetary[i]! / data.length;
  const toParams = (x: readonly number[]): GammaGammaParams => ({ p: Math.exp(x[0]!), q: Math.exp(x[1]!), gamma: Math.exp(x[2]!) });
  const likelihood = spendLikelihoodOf(data);
  const objective = (x: readonly number[]): number => -likelihood(toParams(x)) / data.length;
  let start = [0, 0, Math.log(Math.max(mean, 1e-6))];
  let best = nelderMead(objective, start, { tolerance: options.tolerance ?? 1e-12, step: 1 });
  let iterations = best.iterations;
  let evaluations = best.evaluations;
  for (let run = 1; run < 3; run++) {
    start = best.x.slice();
    const again = nelderMead(objective, start, { tolerance: options.tolerance ?? 1e-12, step: 0.1 });
    iterations += again.iterations;
    evaluations += again.evaluations;
    const improved = best.value - again.value;
    if (again.value <= best.value) best = again;
    if (improved < 1e-10) break;
  }
  return { params: toParams(best.x), logLikelihood: -best.value * data.length, iterations, evaluations, converged: best.converged, customers: data.length };
}

/** E[Z] for a customer of the population: γp / (q − 1) (finite for q > 1). */
export function populationMeanSpend(params: GammaGammaParams): number {
  return params.q > 1 ? (params.gamma * params.p) / (params.q - 1) : NaN;
}

/**
 * E[M | x, m̄]: the expected order value, a weighted mean of the population's and the
 * customer's own (eq. 5 of the 2013 note). With no repeat purchase there is no m̄ of repeat
 * orders, and the model gives the population mean.
 */
export function expectedAverageOrderValue(params: GammaGammaParams, frequency: number, monetary: number): number {
  const { p, q, gamma } = params;
  if (frequency <= 0) return populationMeanSpend(params);
  return (p * (gamma + frequency * monetary)) / (p * frequency + q - 1);
}
