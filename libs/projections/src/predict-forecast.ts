import type { Queryable } from '@journey/database';
import {
  compressSummaries,
  expectedOrderValue,
  fitBgNbd,
  fitGammaGamma,
  forecastError,
  forecastSales,
  PACE_WEEKS,
  populationMeanSpend,
  WEEK_MS,
  type BgNbdParams,
  type FittedModels,
  type ForecastError,
  type ModelInput,
  type SalesForecast,
} from '@journey/predictions';
import type { Extracted } from './predict-extract';

export const FORECAST_WEEKS = 52;
const MIN_SPEND_CUSTOMERS = 20;

export interface ForecastWeek {
  readonly weekStarting: string;
  readonly orders: number;
  readonly existingCustomerOrders: number;
  readonly newCustomerOrders: number;
  /** Minor units of the base currency. */
  readonly revenue: number;
}

export interface Backtest {
  readonly cutoff: string;
  readonly holdoutWeeks: number;
  readonly weeks: ReadonlyArray<{ readonly weekStarting: string; readonly actualOrders: number; readonly forecastOrders: number; readonly naiveOrders: number; readonly actualRevenue: number; readonly forecastRevenue: number }>;
  readonly model: { readonly orders: ForecastError; readonly revenue: ForecastError };
  /** Every holdout week forecast as the mean week of the 13 before the cutoff. */
  readonly naive: { readonly orders: ForecastError; readonly revenue: ForecastError };
}

export interface ShopForecast {
  readonly newCustomersPerWeek: number;
  readonly newCustomerOrderValue: number;
  readonly weeks: readonly ForecastWeek[];
}

/** The order value the forecast gives a customer: the spend model's expectation, or their own mean, or the shop's. */
export function orderValueOf(models: FittedModels): (input: ModelInput) => number {
  return (input) => expectedOrderValue(models, input);
}

function newCustomerValue(models: FittedModels): number {
  const mean = models.gammaGamma ? populationMeanSpend(models.gammaGamma) : NaN;
  return Number.isFinite(mean) ? mean : models.meanOrderValue;
}

export function shopForecast(models: FittedModels, data: Extracted, now: number): ShopForecast {
  const perWeek = data.tally.newBeforeNow / PACE_WEEKS;
  const orderValue = newCustomerValue(models);
  const forecast = forecastSales(models.bgNbd, data.inputs, orderValueOf(models), { perWeek, orderValue }, FORECAST_WEEKS, 1);
  return { newCustomersPerWeek: perWeek, newCustomerOrderValue: Math.round(orderValue), weeks: weeksOf(forecast, now) };
}

function weeksOf(forecast: SalesForecast, start: number): ForecastWeek[] {
  return Array.from({ length: forecast.weeks }, (_, i) => ({
    weekStarting: new Date(start + i * WEEK_MS).toISOString(),
    orders: round(forecast.orders[i]!),
    existingCustomerOrders: round(forecast.existingOrders[i]!),
    newCustomerOrders: round(forecast.newOrders[i]!),
    revenue: Math.round(forecast.revenue[i]!),
  }));
}

/** The same models fitted on the history before the cutoff, forecasting the holdout weeks after it. */
export function backtest(data: Extracted, meanOrderValue: number): Backtest | null {
  const { tally } = data;
  const weeks = tally.holdoutWeeks;
  const calibration = data.calibration.filter((input): input is ModelInput => input !== undefined);
  if (weeks === 0 || calibration.length === 0) return null;
  const n = calibration.length;
  const bgNbd: BgNbdParams = fitBgNbd(
    compressSummaries({
      length: n,
      frequency: Int32Array.from(calibration.map((c) => c.frequency)),
      recency: Float64Array.from(calibration.map((c) => c.recency)),
      T: Float64Array.from(calibration.map((c) => c.T)),
      weight: new Float64Array(n).fill(1),
    }),
  ).params;
  const repeat = calibration.filter((c) => c.frequency > 0 && c.monetary > 0);
  const gammaGamma =
    repeat.length >= MIN_SPEND_CUSTOMERS
      ? fitGammaGamma({ length: repeat.length, frequency: Int32Array.from(repeat.map((c) => c.frequency)), monetary: Float64Array.from(repeat.map((c) => c.monetary)) }).params
      : null;
  const models: FittedModels = { bgNbd, gammaGamma, meanOrderValue };
  const forecast = forecastSales(bgNbd, calibration, orderValueOf(models), { perWeek: tally.newBeforeCutoff / PACE_WEEKS, orderValue: newCustomerValue(models) }, weeks, 1);
  const naiveOrders = new Float64Array(weeks).fill(tally.naiveOrders / PACE_WEEKS);
  const naiveRevenue = new Float64Array(weeks).fill(tally.naiveRevenue / PACE_WEEKS);
  return {
    cutoff: new Date(tally.cutoff).toISOString(),
    holdoutWeeks: weeks,
    weeks: Array.from({ length: weeks }, (_, i) => ({
      weekStarting: new Date(tally.cutoff + i * WEEK_MS).toISOString(),
      actualOrders: tally.actualOrders[i]!,
      forecastOrders: round(forecast.orders[i]!),
      naiveOrders: round(naiveOrders[i]!),
      actualRevenue: tally.actualRevenue[i]!,
      forecastRevenue: Math.round(forecast.revenue[i]!),
    })),
    model: { orders: forecastError(forecast.orders, tally.actualOrders), revenue: forecastError(forecast.revenue, tally.actualRevenue) },
    naive: { orders: forecastError(naiveOrders, tally.actualOrders), revenue: forecastError(naiveRevenue, tally.actualRevenue) },
  };
}

export async function saveForecast(
  db: Queryable,
  fitId: string,
  at: string,
  currency: string,
  forecast: ShopForecast,
  test: Backtest | null,
  recommendationCheck: object,
): Promise<void> {
  await db.query(
    `INSERT INTO journey.sales_forecasts (fit_id, computed_at, currency, forecast, backtest, recommendation_check) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (fit_id) DO UPDATE SET computed_at = EXCLUDED.computed_at, forecast = EXCLUDED.forecast, backtest = EXCLUDED.backtest,
       recommendation_check = EXCLUDED.recommendation_check`,
    [fitId, at, currency, JSON.stringify(forecast), test === null ? null : JSON.stringify(test), JSON.stringify(recommendationCheck)],
  );
}

export async function latestForecast(db: Queryable): Promise<{ fitId: string; computedAt: string; currency: string; forecast: ShopForecast; backtest: Backtest | null } | null> {
  const { rows } = await db.query<{ fit_id: string; computed_at: Date; currency: string; forecast: ShopForecast; backtest: Backtest | null }>(
    'SELECT fit_id, computed_at, currency, forecast, backtest FROM journey.sales_forecasts ORDER BY computed_at DESC LIMIT 1',
  );
  const row = rows[0];
  return row ? { fitId: row.fit_id, computedAt: new Date(row.computed_at).toISOString(), currency: row.currency, forecast: row.forecast, backtest: row.backtest } : null;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
