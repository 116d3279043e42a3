import { nelderMead } from './nelder-mead';
import type { PurchaseSummaries, PurchaseSummary } from './purchase-summary';
import { hyp2f1, lnGamma, logAddExp } from './special-functions';

/**
 * The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while
 * alive a customer buys as a Poisson process of rate λ ~ Gamma(r, α); after each purchase they
 * drop out with probability p ~ Beta(a, b). α is in the summaries' time unit.
 */
export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

export interface BgNbdFit {
  readonly params: BgNbdParams;
  /** The total log-likelihood at the optimum (weighted sum over customers). */
  readonly logLikelihood: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
  readonly customers: number;
}

/**
 * The total log-likelihood, term by term in logs (eq. 6 of the paper): the Gamma and Beta
 * ratios as log-gamma differences, computed once per distinct frequency, and the two-part sum
 * as log-add-exp, so that heavy buyers ((α+T)/(α+t_x))^(r+x) never overflow.
 */
export function bgNbdLogLikelihood(params: BgNbdParams, data: PurchaseSummaries): number {
  return likelihoodOf(data)(params);
}

/**
 * The log-likelihood of one data set as a function of the parameters, for an optimiser that asks
 * hundreds of times: the distinct values of T and t_x are found once, so that each call takes
 * ln(α + v) once per distinct value (a few thousand when ages are whole days) rather than twice
 * per customer.
 */
export function likelihoodOf(data: PurchaseSummaries): (params: BgNbdParams) => number {
  const distinct = new Map<number, number>();
  const indexOf = (value: number): number => {
    let at = distinct.get(value);
    if (at === undefined) {
      at = distinct.size;
      distinct.set(value, at);
    }
    return at;
  };
  const tIndex = new Int32Array(data.length);
  const rIndex = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    tIndex[i] = indexOf(data.T[i]!);
    rIndex[i] = indexOf(data.recency[i]!);
  }
  const values = Float64Array.from(distinct.keys());
  const logs = new Float64Array(values.length);
  return (params) => {
    const { r, alpha, a, b } = params;
    if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return -Infinity;
    for (let k = 0; k < values.length; k++) logs[k] = Math.log(alpha + values[k]!);
    const perFrequency = frequencyTerms(params, data.frequency);
    let total = 0;
    for (let i = 0; i < data.length; i++) {
      const x = data.frequency[i]!;
      const a3 = -(r + x) * logs[tIndex[i]!]!;
      const shared = perFrequency.common[x]!;
      const ll = x === 0 ? shared + a3 : shared + logAddExp(a3, perFrequency.dropout[x]! - (r + x) * logs[rIndex[i]!]!);
      total += data.weight[i]! * ll;
    }
    return total;
  };
}

function frequencyTerms(params: BgNbdParams, frequency: Int32Array): { common: Float64Array; dropout: Float64Array } {
  const { r, alpha, a, b } = params;
  let max = 0;
  for (let i = 0; i < frequency.length; i++) if (frequency[i]! > max) max = frequency[i]!;
  const seen = new Uint8Array(max + 1);
  for (let i = 0; i < frequency.length; i++) seen[frequency[i]!] = 1;
  const common = new Float64Array(max + 1);
  const dropout = new Float64Array(max + 1);
  const base = -lnGamma(r) + r * Math.log(alpha) + lnGamma(a + b) - lnGamma(b);
  for (let x = 0; x <= max; x++) {
    if (!seen[x]) continue;
    common[x] = base + lnGamma(r + x) + lnGamma(b + x) - lnGamma(a + b + x);
    dropout[x] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : -Infinity;
  }
  return { common, dropout };
}

const LOG_BOUND = 12;

export interface FitOptions {
  readonly tolerance?: number;
  readonly maxIterations?: number;
  readonly onIteration?: (iteration: number, logLikelihood: number) => void;
}

/**
 * Maximum likelihood over log-parameters (so every step stays in r, α, a, b > 0), by Nelder–Mead
 * restarted from its own optimum until a restart no longer improves it (at most three runs).
 */
export function fitBgNbd(data: PurchaseSummaries, options: FitOptions = {}): BgNbdFit {
  let weight = 0;
  let meanT = 0;
  for (let i = 0; i < data.length; i++) {
    weight += data.weight[i]!;
    meanT += data.weight[i]! * data.T[i]!;
  }
  if (weight === 0) throw new RangeError('no customers to fit');
  meanT /= weight;
  const toParams = (x: readonly number[]): BgNbdParams => ({ r: Math.exp(x[0]!), alpha: Math.exp(x[1]!), a: Math.exp(x[2]!), b: Math.exp(x[3]!) });
  // A population that shows no drop-out has its optimum at a, b → ∞: the search stays within e^±12.
  const likelihood = likelihoodOf(data);
  const objective = (x: readonly number[]): number => (x.some((v) => Math.abs(v) > LOG_BOUND) ? Infinity : -likelihood(toParams(x)) / weight);

  let start = [0, Math.log(Math.max(meanT, 1e-3)), 0, 0];
  let iterations = 0;
  let evaluations = 0;
  let best = { x: start, value: objective(start), converged: false };
  for (let run = 0; run < 3; run++) {
    const found = nelderMead(objective, start, {
      tolerance: options.tolerance ?? 1e-12,
      maxIterations: options.maxIterations ?? 4000,
      step: run === 0 ? 1 : 0.1,
      onIteration: options.onIteration && ((i, v) => options.onIteration!(iterations + i, -v * weight)),
    });
    iterations += found.iterations;
    evaluations += found.evaluations;
    const improved = best.value - found.value;
    if (found.value <= best.value) best = { x: found.x.slice(), value: found.value, converged: found.converged };
    if (run > 0 && improved < 1e-10) break;
    start = best.x;
  }
  return {
    params: toParams(best.x),
    logLikelihood: -best.value * weight,
    iterations,
    evaluations,
    converged: best.converged,
    customers: weight,
  };
}

/** ln of the second term of the likelihood's ratio: (a / (b+x−1)) · ((α+T)/(α+t_x))^(r+x). */
function logDropoutOdds(params: BgNbdParams, c: PurchaseSummary): number {
  const { r, alpha, a, b } = params;
  const x = c.frequency;
  if (x === 0) return -Infinity;
  return Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + c.T) - Math.log(alpha + c.recency));
}

/** P(alive | x, t_x, T) (eq. 13). A customer without repeat purchases is alive: BG/NBD drops out only after a purchase. */
export function probabilityAlive(params: BgNbdParams, c: PurchaseSummary): number {
  const odds = logDropoutOdds(params, c);
  return odds === -Infinity ? 1 : 1 / (1 + Math.exp(odds));
}

/**
 * E[Y(t) | x, t_x, T]: purchases expected in the next t (eq. 10). The hypergeometric factor is
 * taken through Euler's transformation, (1−z)^(r+x) ₂F₁(r+x, b+x; a+b+x−1; z) =
 * (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z), whose series does not grow with x.
 */
export function expectedPurchases(params: BgNbdParams, c: PurchaseSummary, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = params;
  const x = c.frequency;
  const z = t / (alpha + c.T + t);
  const alive = probabilityAlive(params, c);
  const value = ((a + b + x - 1) / (a - 1)) * (1 - euler(a + b - 1 - r, a - 1, a + b + x - 1, z)) * alive;
  // Where the series cannot be summed in doubles (a huge, as when the population shows no
  // drop-out), the limit without drop-out: the posterior rate times t.
  return Number.isFinite(value) ? Math.max(0, value) : (alive * (r + x) * t) / (alpha + c.T);
}

/** (1−z)^(p2) · ₂F₁(p1, p2; c; z), NaN where the series overflows. */
function euler(p1: number, p2: number, c: number, z: number): number {
  try {
    return Math.pow(1 - z, p2) * hyp2f1(p1, p2, c, z);
  } catch {
    return NaN;
  }
}

/** E[X(t)]: purchases a newly acquired customer is expected to repeat within t of the first (eq. 9). */
export function expectedPurchasesNewCustomer(params: BgNbdParams, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = params;
  const z = t / (alpha + t);
  // Euler again: (1−z)^r ₂F₁(r, b; a+b−1; z) = (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b−1; z).
  const value = ((a + b - 1) / (a - 1)) * (1 - euler(a + b - 1 - r, a - 1, a + b - 1, z));
  return Number.isFinite(value) ? Math.max(0, value) : (r * t) / alpha;
}
