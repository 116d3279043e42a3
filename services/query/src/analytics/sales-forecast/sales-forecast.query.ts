import { Query } from '@nestjs/cqrs';
import type { Backtest, ForecastWeek } from '@journey/projections';

export interface SalesForecastReport {
  readonly fitId: string;
  readonly computedAt: string;
  readonly currency: string;
  readonly weeks: number;
  readonly newCustomersPerWeek: number;
  readonly newCustomerOrderValue: number;
  readonly totals: { readonly orders: number; readonly revenue: number };
  readonly forecast: readonly ForecastWeek[];
  readonly backtest: Backtest | null;
}

/** Expected orders and revenue per week for the next 13 or 52 weeks, from the latest fit, with its backtest. */
export class SalesForecastQuery extends Query<SalesForecastReport> {
  constructor(readonly weeks: string | undefined) {
    super();
  }
}
