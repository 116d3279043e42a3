import type { RfmSegment, ValueTier } from '@journey/contracts';
import { toBase, type CurrencyRates } from './money';
import type { PurchaseRecord } from './customer-360';

const DAY = 86_400_000;

/** One customer's raw RFM values at an instant. */
export interface RfmInput {
  readonly customerId: string;
  /** Days since the last purchase. */
  readonly recencyDays: number;
  /** Orders in the window. */
  readonly frequency: number;
  /** Revenue in the window, base currency minor units (refunds not subtracted). */
  readonly monetary: number;
  /** Revenue in currencies without a rate: counted apart, never summed into `monetary`. */
  readonly unconverted: Readonly<Record<string, number>>;
}

export interface RfmScore {
  readonly customerId: string;
  readonly recency: number;
  readonly frequency: number;
  readonly monetary: number;
  readonly segment: RfmSegment;
  readonly tier: ValueTier;
}

export interface RfmOptions {
  readonly windowDays: number;
  readonly rates: CurrencyRates;
  /** Tier by R+F+M: at least `high` is high, at least `medium` medium, the rest low. */
  readonly tierCutoffs: { readonly high: number; readonly medium: number };
}

export const DEFAULT_TIER_CUTOFFS = { high: 12, medium: 8 } as const;

/** A customer's raw values at `now`, or undefined when they never bought. */
export function rfmInput(customerId: string, purchases: readonly PurchaseRecord[], now: number, options: RfmOptions): RfmInput | undefined {
  // Purchases after `now` (the start of the run's slot) count from the next run, recency included.
  const last = purchases.findLast((purchase) => purchase.at <= now);
  if (!last) return undefined;
  const since = now - options.windowDays * DAY;
  let frequency = 0;
  let monetary = 0;
  const unconverted: Record<string, number> = {};
  for (const purchase of purchases) {
    if (purchase.at <= since || purchase.at > now) continue;
    frequency++;
    const base = toBase(purchase.total, purchase.currency, options.rates);
    if (base === undefined) unconverted[purchase.currency] = (unconverted[purchase.currency] ?? 0) + purchase.total;
    else monetary += base;
  }
  return { customerId, recencyDays: Math.max(0, (now - last.at) / DAY), frequency, monetary, unconverted };
}

/**
 * Quintile scores over a population (5 = best: most recent, most frequent, most spent), the
 * named segment from R and F, and the tier from R+F+M. Equal values always get equal scores.
 */
export function scoreRfm(population: readonly RfmInput[], options: Pick<RfmOptions, 'tierCutoffs'>): RfmScore[] {
  if (population.length === 0) return [];
  const recency = quintiles(population.map((c) => -c.recencyDays));
  const frequency = quintiles(population.map((c) => c.frequency));
  const monetary = quintiles(population.map((c) => c.monetary));
  return population.map((customer, i) => {
    const r = recency[i]!;
    const f = frequency[i]!;
    const m = monetary[i]!;
    const total = r + f + m;
    const tier: ValueTier = total >= options.tierCutoffs.high ? 'high' : total >= options.tierCutoffs.medium ? 'medium' : 'low';
    return { customerId: customer.customerId, recency: r, frequency: f, monetary: m, segment: segmentOf(r, f), tier };
  });
}

/**
 * Scores 1–5 by rank: a value's score is 1 + floor(5 × (values strictly below it) / n), so
 * ties share a score and the best fifth scores 5.
 */
export function quintiles(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  return values.map((value) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    return 1 + Math.min(4, Math.floor((5 * lo) / n));
  });
}

/** The usual RFM segment map, on recency and frequency scores (every pair has one segment). */
export function segmentOf(r: number, f: number): RfmSegment {
  if (r <= 2) {
    if (f <= 2) return r === 1 && f === 1 ? 'Lost' : 'Hibernating';
    if (f <= 4) return 'At Risk';
    return "Can't Lose Them";
  }
  if (r === 3) {
    if (f <= 2) return 'About to Sleep';
    if (f === 3) return 'Need Attention';
    return 'Loyal';
  }
  if (r === 4) {
    if (f === 1) return 'Promising';
    if (f <= 3) return 'Potential Loyalist';
    return 'Loyal';
  }
  if (f === 1) return 'New';
  if (f <= 3) return 'Potential Loyalist';
  return 'Champions';
}
