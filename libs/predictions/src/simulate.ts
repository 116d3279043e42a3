import type { BgNbdParams } from './bg-nbd';
import type { GammaGammaParams } from './gamma-gamma';
import type { PurchaseSummary } from './purchase-summary';

/** A seeded uniform generator on (0, 1) (mulberry32): the same seed, the same population. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, rate) by Marsaglia & Tsang (2000), boosted below shape 1. */
export function sampleGamma(random: () => number, shape: number, rate: number): number {
  if (shape < 1) return sampleGamma(random, shape + 1, rate) * Math.pow(random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

export function sampleBeta(random: () => number, a: number, b: number): number {
  const x = sampleGamma(random, a, 1);
  return x / (x + sampleGamma(random, b, 1));
}

export interface SimulatedCustomer extends PurchaseSummary {
  /** Purchase times after the first, up to T + horizon (for holdout checks). */
  readonly future: number;
  readonly monetary: number;
}

/**
 * Customers drawn from BG/NBD as the model tells their story: λ ~ Gamma(r, α), p ~ Beta(a, b),
 * purchases as a Poisson process of rate λ from the first at 0, a drop-out with probability p
 * after each repeat purchase; observed for T. With spend parameters, each order's value is
 * Gamma(p, ν), ν ~ Gamma(q, γ), and `monetary` is the mean of the repeat orders.
 */
export function simulateBgNbd(
  params: BgNbdParams,
  ages: readonly number[],
  seed: number,
  options: { readonly horizon?: number; readonly spend?: GammaGammaParams } = {},
): SimulatedCustomer[] {
  const random = seededRandom(seed);
  const horizon = options.horizon ?? 0;
  return ages.map((T) => {
    const lambda = sampleGamma(random, params.r, params.alpha);
    const p = sampleBeta(random, params.a, params.b);
    const nu = options.spend ? sampleGamma(random, options.spend.q, options.spend.gamma) : 0;
    let at = 0;
    let frequency = 0;
    let recency = 0;
    let future = 0;
    let spent = 0;
    for (;;) {
      at += -Math.log(random()) / lambda;
      if (at > T + horizon) break;
      if (at <= T) {
        frequency++;
        recency = at;
        if (options.spend) spent += sampleGamma(random, options.spend.p, nu);
      } else future++;
      if (random() < p) break;
    }
    return { frequency, recency, T, future, monetary: frequency > 0 ? spent / frequency : 0 };
  });
}
