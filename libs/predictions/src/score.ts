import type { ChurnBand } from '@journey/contracts';
import { expectedPurchases, probabilityAlive, type BgNbdParams } from './bg-nbd';
import { churnBand, type ChurnCutoffs } from './churn-risk';
import { discountedPurchases } from './clv';
import { expectedAverageOrderValue, type GammaGammaParams } from './gamma-gamma';

const DAY_MS = 86_400_000;
export const DAYS_PER_WEEK = 7;
export const WEEKS_PER_MONTH = 365.25 / 12 / DAYS_PER_WEEK;

/** A customer's history as the job reads it: order instants (ms) and values in the base currency (minor units). */
export interface CustomerHistory {
  readonly orders: number;
  readonly firstPurchaseAt: number;
  readonly lastPurchaseAt: number;
  /** The mean value of the repeat orders (all but the first), in minor units; 0 when none has a value in the base currency. */
  readonly repeatMeanValue: number;
}

export interface ModelInput {
  readonly frequency: number;
  /** In weeks, counted in whole days, so that identical histories fold together in the fit. */
  readonly recency: number;
  readonly T: number;
  /** The mean value of the repeat orders; 0 when unknown (no repeat order with a value in the base currency). */
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

/** One number per (frequency, recency, T) while ages are whole days below 4,096 (11 years); a string beyond. */
export function historyKey(input: ModelInput): number | string {
  const r = Math.round(input.recency * DAYS_PER_WEEK);
  const t = Math.round(input.T * DAYS_PER_WEEK);
  const whole = Math.abs(r - input.recency * DAYS_PER_WEEK) < 1e-9 && Math.abs(t - input.T * DAYS_PER_WEEK) < 1e-9;
  return whole && t < 4096 ? (input.frequency * 4096 + r) * 4096 + t : `${input.frequency}|${input.recency}|${input.T}`;
}

/** What BG/NBD says of a purchase history, whatever the customer spends: shared by every customer with that history. */
export interface PurchaseOutlook {
  readonly pAlive: number;
  readonly expected30d: number;
  readonly expected90d: number;
  readonly expected365d: number;
  /** The next 12 months' purchases, discounted: the CLV per unit of order value. */
  readonly discounted12m: number;
}

export function purchaseOutlook(params: BgNbdParams, input: ModelInput, annualDiscountRate: number): PurchaseOutlook {
  const summary = { frequency: input.frequency, recency: input.recency, T: input.T };
  return {
    pAlive: probabilityAlive(params, summary),
    expected30d: expectedPurchases(params, summary, 30 / DAYS_PER_WEEK),
    expected90d: expectedPurchases(params, summary, 90 / DAYS_PER_WEEK),
    expected365d: expectedPurchases(params, summary, 365 / DAYS_PER_WEEK),
    discounted12m: discountedPurchases(params, summary, { annualDiscountRate, unitsPerMonth: WEEKS_PER_MONTH }),
  };
}

/**
 * A customer's prediction. Identical histories (counted in whole days) have the same outlook:
 * pass `outlooks` to compute each once (a scoring run over a million customers meets far fewer
 * distinct histories).
 */
export function scoreCustomer(models: FittedModels, input: ModelInput, options: ScoreOptions, outlooks?: Map<number | string, PurchaseOutlook>): Prediction {
  let outlook: PurchaseOutlook | undefined;
  const key = outlooks && historyKey(input);
  if (key !== undefined) outlook = outlooks!.get(key);
  if (!outlook) {
    outlook = purchaseOutlook(models.bgNbd, input, options.annualDiscountRate);
    if (key !== undefined) outlooks!.set(key, outlook);
  }
  const aov = expectedOrderValue(models, input);
  return {
    pAlive: outlook.pAlive,
    churnBand: churnBand(outlook.pAlive, options.churnCutoffs),
    expected30d: outlook.expected30d,
    expected90d: outlook.expected90d,
    expected365d: outlook.expected365d,
    expectedAov: Math.round(aov),
    clv12m: Math.round(outlook.discounted12m * aov),
  };
}

/**
 * The order value expected of a customer: the spend model's, else their own mean of repeat
 * orders, else the shop's mean (also where the spend model has no finite population mean, q ≤ 1).
 * A customer whose repeat spend is unknown is, to the spend model, one with no repeat order: the
 * population mean, not an observed mean of zero.
 */
export function expectedOrderValue(models: FittedModels, input: ModelInput): number {
  const known = input.frequency > 0 && input.monetary > 0;
  const own = known ? input.monetary : models.meanOrderValue;
  if (!models.gammaGamma) return own;
  const value = expectedAverageOrderValue(models.gammaGamma, known ? input.frequency : 0, input.monetary);
  return Number.isFinite(value) && value > 0 ? value : own;
}
