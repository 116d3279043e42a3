import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { DATABASE, RequestRejectedError } from '@journey/platform';
import { latestForecast } from '@journey/projections';
import { SalesForecastQuery, type SalesForecastReport } from './sales-forecast.query';

const HORIZONS = ['13', '52'];

@QueryHandler(SalesForecastQuery)
export class SalesForecastHandler implements IQueryHandler<SalesForecastQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute({ weeks }: SalesForecastQuery): Promise<SalesForecastReport> {
    const horizon = weeks ?? '13';
    if (!HORIZONS.includes(horizon)) throw new RequestRejectedError(400, 'Invalid request', [{ field: 'weeks', reason: 'must be 13 or 52' }]);
    const latest = await latestForecast(this.db);
    if (!latest) {
      throw new RequestRejectedError(404, 'No forecast yet', [{ field: 'forecast', reason: 'the purchase models have not been fitted: run journey predict fit or POST /v1/predictions/fit' }]);
    }
    const forecast = latest.forecast.weeks.slice(0, Number(horizon));
    return {
      fitId: latest.fitId,
      computedAt: latest.computedAt,
      currency: latest.currency,
      weeks: forecast.length,
      newCustomersPerWeek: latest.forecast.newCustomersPerWeek,
      newCustomerOrderValue: latest.forecast.newCustomerOrderValue,
      totals: {
        orders: Math.round(forecast.reduce((sum, w) => sum + w.orders, 0) * 100) / 100,
        revenue: forecast.reduce((sum, w) => sum + w.revenue, 0),
      },
      forecast,
      backtest: latest.backtest,
    };
  }
}
