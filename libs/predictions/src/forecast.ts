import { expectedPurchases, expectedPurchasesNewCustomer, type BgNbdParams } from './bg-nbd';
import type { ModelInput } from './score';

/** Expected orders and revenue (minor units of the base currency) per week from now. */
export interface SalesForecast {
  readonly weeks: number;
  readonly existingOrders: Float64Array;
  readonly newOrders: Float64Array;
  readonly orders: Float64Array;
  readonly revenue: Float64Array;
}

/**
 * New customers, as the forecast models them: `perWeek` first purchases every week (the shop's
 * mean over its recent weeks), each at the middle of its week, spending `orderValue` per order
 * (the spend model's population mean), and buying again as BG/NBD expects of a new customer,
 * E[X(t)] (eq. 9 of FHL 2005).
 */
export interface NewCustomerModel {
  readonly perWeek: number;
  readonly orderValue: number;
}

/**
 * The existing customers' weekly orders are the increments of E[Y(t) | x, t_x, T], summed over
 * customers (identical histories computed once), and their revenue those increments times each
 * customer's expected order value; the new customers' follow NewCustomerModel.
 */
export function forecastSales(
  params: BgNbdParams,
  customers: readonly ModelInput[],
  orderValue: (input: ModelInput) => number,
  newCustomers: NewCustomerModel,
  weeks: number,
  /** Ages rounded to this many time units for grouping (0: exact); a whole week moves a shop's total by little and saves most of the work. */
  granularity = 0,
): SalesForecast {
  const round = (v: number): number => (granularity > 0 ? Math.round(v / granularity) * granularity : v);
  const groups = new Map<string, { input: ModelInput; count: number; value: number }>();
  for (const input of customers) {
    const T = round(input.T);
    const recency = Math.min(T, round(input.recency));
    const key = `${input.frequency}|${recency}|${T}`;
    const group = groups.get(key);
    if (group) {
      group.count++;
      group.value += orderValue(input);
    } else groups.set(key, { input: { ...input, recency, T }, count: 1, value: orderValue(input) });
  }
  const existingOrders = new Float64Array(weeks);
  const revenue = new Float64Array(weeks);
  for (const { input, count, value } of groups.values()) {
    let before = 0;
    for (let week = 1; week <= weeks; week++) {
      const upTo = expectedPurchases(params, input, week);
      const inWeek = upTo - before;
      existingOrders[week - 1] = existingOrders[week - 1]! + count * inWeek;
      revenue[week - 1] = revenue[week - 1]! + value * inWeek;
      before = upTo;
    }
  }
  // Repeat purchases by the end of week k of the cohorts acquired at weeks j ≤ k (at j − ½).
  const repeatBy = (k: number): number => {
    let sum = 0;
    for (let j = 1; j <= k; j++) sum += expectedPurchasesNewCustomer(params, k - j + 0.5);
    return sum * newCustomers.perWeek;
  };
  const newOrders = new Float64Array(weeks);
  const orders = new Float64Array(weeks);
  let repeatBefore = 0;
  for (let week = 1; week <= weeks; week++) {
    const repeatUpTo = repeatBy(week);
    newOrders[week - 1] = newCustomers.perWeek + repeatUpTo - repeatBefore;
    repeatBefore = repeatUpTo;
    orders[week - 1] = existingOrders[week - 1]! + newOrders[week - 1]!;
    revenue[week - 1] = revenue[week - 1]! + newOrders[week - 1]! * newCustomers.orderValue;
  }
  return { weeks, existingOrders, newOrders, orders, revenue };
}

/** Absolute percentage errors per week (weeks with no actual orders are left out), their mean, and the error of the total. */
export interface ForecastError {
  readonly perWeek: ReadonlyArray<number | null>;
  readonly mape: number;
  readonly totalError: number;
}

export function forecastError(forecast: ArrayLike<number>, actual: ArrayLike<number>): ForecastError {
  const perWeek: Array<number | null> = [];
  let sum = 0;
  let counted = 0;
  let forecastTotal = 0;
  let actualTotal = 0;
  for (let i = 0; i < actual.length; i++) {
    forecastTotal += forecast[i]!;
    actualTotal += actual[i]!;
    if (actual[i] === 0) {
      perWeek.push(null);
      continue;
    }
    const ape = Math.abs(forecast[i]! - actual[i]!) / actual[i]!;
    perWeek.push(ape);
    sum += ape;
    counted++;
  }
  return { perWeek, mape: counted > 0 ? sum / counted : NaN, totalError: actualTotal > 0 ? Math.abs(forecastTotal - actualTotal) / actualTotal : NaN };
}
