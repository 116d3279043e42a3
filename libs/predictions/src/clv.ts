import { expectedPurchases, type BgNbdParams } from './bg-nbd';
import type { PurchaseSummary } from './purchase-summary';

export interface ClvOptions {
  /** The horizon in months (default 12). */
  readonly months?: number;
  /** The annual discount rate (0.1 = 10 % a year), applied monthly as (1 + d)^(1/12) − 1. */
  readonly annualDiscountRate: number;
  /** How many of the summaries' time units make a month (weeks: 365.25 / 12 / 7). */
  readonly unitsPerMonth: number;
}

/**
 * Customer lifetime value over a horizon: the purchases BG/NBD expects in each month times the
 * expected order value, discounted to today at the end of each month (as lifetimes and the
 * Fader–Hardie notes do it).
 */
export function customerLifetimeValue(params: BgNbdParams, c: PurchaseSummary, averageOrderValue: number, options: ClvOptions): number {
  return discountedPurchases(params, c, options) * averageOrderValue;
}

/** The purchases of the horizon, each discounted to today: CLV is this times the order value. */
export function discountedPurchases(params: BgNbdParams, c: PurchaseSummary, options: ClvOptions): number {
  const months = options.months ?? 12;
  const monthly = Math.pow(1 + options.annualDiscountRate, 1 / 12) - 1;
  let value = 0;
  let before = 0;
  for (let month = 1; month <= months; month++) {
    const upTo = expectedPurchases(params, c, month * options.unitsPerMonth);
    value += (upTo - before) / Math.pow(1 + monthly, month);
    before = upTo;
  }
  return value;
}
