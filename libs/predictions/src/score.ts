import type { ChurnBand } from '@journey/contracts';
import { expectedPurchases, probabilityAlive, type BgNbdParams } from './bg-nbd';
import { churnBand, type ChurnCutoffs } from './churn-risk';
import { customerLifetimeValue } from './clv';
import { expectedAverageOrderValue, type GammaGammaParams } from './gamma-gamma';

const DAY_MS = 86_400_000;
export const DAYS_PER_WEEK = 7;
export const WEEKS_PER_MONTH = 365.25 / 12 / DAYS_PER_WEEK;

/** A customer's history as the job reads it: order instants (ms) and values in the base currency (minor units). */
export interface CustomerHistory {
  readonly orders: number;
  readonly firstPurchaseAt: number;
  readonly lastPurchaseAt: number;
  /** The mean value of the repeat orders (all but the first), in minor units; 0 without repeats. */
  readonly repeatMeanValue: number;
}

export interface ModelInput {
  readonly frequency: number;
  /** In weeks, counted in whole days, so that identical histories fold together in the fit. */
  readonly recency: number;
  readonly T: number;
  readonly monetary: number;
}

/** frequency = repeat orders; recency and T from the first order, to the last one and to `now`, in weeks of whole days. */
export function modelInput(history: CustomerHistory, now: number): ModelInput {
  const firstDay = Math.floor(history.firstPurchaseAt / DAY_MS);
  const T = Math.max(0, Math.floor(now / DAY_MS) - firstDay);
  const frequency = Math.max(0, history.orders - 1);
  const recency = frequency === 0 ? 0 : Math.min(T, Math.max(0, Math.floor(history.lastPurchaseAt / DAY_MS) - firstDay));
  return { frequency, recency: recency / DAYS_PER_WEEK, T: T / DAYS_PER_WEEK, monetary: frequency === 0 ? 0 : history.repeatMeanValue };
}

export interface FittedModels {
  readonly bgNbd: BgNbdParams;
  /** Absent when too few customers bought twice: each customer's own mean (or the shop's) stands in. */
  readonly gammaGamma: GammaGammaParams | null;
  /** The shop's mean order value, for the one-purchase customers when there is no spend model. */
  readonly meanOrderValue: number;
}

export interface Prediction {
  readonly pAlive: number;
  readonly churnBand: ChurnBand;
  readonly expected30d: number;
  readonly expected90d: number;
  readonly expected365d: number;
  /** Minor units of the base currency. */
  readonly expectedAov: number;
  readonly clv12m: number;
}

export interface ScoreOptions {
  readonly annualDiscountRate: number;
  readonly churnCutoffs: ChurnCutoffs;
}

export function scoreCustomer(models: FittedModels, input: ModelInput, options: ScoreOptions): Prediction {
  const summary = { frequency: input.frequency, recency: input.recency, T: input.T };
  const pAlive = probabilityAlive(models.bgNbd, summary);
  const aov = models.gammaGamma
    ? expectedAverageOrderValue(models.gammaGamma, input.frequency, input.monetary)
    : input.frequency > 0
      ? input.monetary
      : models.meanOrderValue;
  const clv = customerLifetimeValue(models.bgNbd, summary, aov, { annualDiscountRate: options.annualDiscountRate, unitsPerMonth: WEEKS_PER_MONTH });
  return {
    pAlive,
    churnBand: churnBand(pAlive, options.churnCutoffs),
    expected30d: expectedPurchases(models.bgNbd, summary, 30 / DAYS_PER_WEEK),
    expected90d: expectedPurchases(models.bgNbd, summary, 90 / DAYS_PER_WEEK),
    expected365d: expectedPurchases(models.bgNbd, summary, 365 / DAYS_PER_WEEK),
    expectedAov: Math.round(aov),
    clv12m: Math.round(clv),
  };
}
