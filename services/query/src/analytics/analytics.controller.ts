import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { RuleResults } from '@journey/journeys';
import { RequestRejectedError, Roles } from '@journey/platform';
import type { Funnel, ValueGrid } from './analytics';
import { CampaignResultsQuery } from './campaign-results/campaign-results.query';
import { LifecycleFunnelQuery } from './lifecycle-funnel/lifecycle-funnel.query';
import { RetentionQuery, type RetentionReport } from './retention/retention.query';
import { SalesForecastQuery, type SalesForecastReport } from './sales-forecast/sales-forecast.query';
import { PredictionSummaryQuery, type PredictionSummary } from './prediction-summary/prediction-summary.query';
import { ValueGridQuery } from './value-grid/value-grid.query';
import { WeeklyQuery, type WeeklyReport } from './weekly/weekly.query';

/** Marketing analytics over the read models and the log. */
@ApiTags('marketing')
@Controller('v1/analytics')
@Roles('marketing')
export class AnalyticsController {
  constructor(private readonly queries: QueryBus) {}

  /** Customers per stage now, and the stage changes of the period (default: the last 30 days; `transitions=false` leaves them out). */
  @Get('funnel')
  @ApiOperation({ summary: 'The lifecycle funnel over a period (?from, ?to): customers per stage and the moves between stages (?transitions=false: the counts only)' })
  @ApiQuery({ name: 'transitions', required: false, example: 'false', description: 'false: the stage counts only, without the period\'s stage changes' })
  funnel(@Query('from') from?: string, @Query('to') to?: string, @Query('transitions') transitions?: string): Promise<Funnel> {
    if (transitions !== undefined && transitions !== 'true' && transitions !== 'false') {
      throw new RequestRejectedError(400, 'Invalid query', [{ field: 'transitions', reason: 'must be true or false' }]);
    }
    return this.queries.execute(new LifecycleFunnelQuery(from, to, transitions !== 'false'));
  }

  /** Tiers, RFM segments and the recency × frequency grid. */
  @Get('value')
  @ApiOperation({ summary: 'The value grid: customers and revenue per RFM segment and value tier' })
  value(): Promise<ValueGrid> {
    return this.queries.execute(new ValueGridQuery());
  }

  /** Retention by first-purchase month, for cohorts of the period (default: the last 12 months). */
  @Get('retention')
  @ApiOperation({ summary: 'Monthly retention cohorts over a period (?from, ?to)' })
  retention(@Query('from') from?: string, @Query('to') to?: string): Promise<RetentionReport> {
    return this.queries.execute(new RetentionQuery(from, to));
  }

  /** Expected orders and revenue per week (?weeks=13 or 52) from the latest fit, with the backtest beside a naive baseline. */
  @Get('forecast')
  @ApiOperation({ summary: 'Orders and revenue expected per week (?weeks=13 or 52) from the latest fit, with its backtest beside a naive baseline' })
  @ApiQuery({ name: 'weeks', required: false, example: '13' })
  forecast(@Query('weeks') weeks?: string): Promise<SalesForecastReport> {
    return this.queries.execute(new SalesForecastQuery(weeks));
  }

  /** Orders, revenue and stage changes per UTC week (default: the last 26 weeks), from small weekly aggregates. */
  @Get('weekly')
  @ApiOperation({ summary: 'Orders, revenue and refunds per UTC week and currency, and stage changes per week (?from, ?to; default the last 26 weeks)' })
  weekly(@Query('from') from?: string, @Query('to') to?: string): Promise<WeeklyReport> {
    return this.queries.execute(new WeeklyQuery(from, to));
  }

  /** The P(alive) distribution, churn bands and CLV deciles of the latest scoring; `available: false` where the engine keeps no predictions. */
  @Get('predictions')
  @ApiOperation({ summary: 'The P(alive) distribution, churn-risk bands and 12-month CLV deciles of the latest scoring (available: false where the engine keeps no predictions)' })
  predictions(): Promise<PredictionSummary> {
    return this.queries.execute(new PredictionSummaryQuery());
  }

  /** Every rule's results: matched, suppressed by reason, dispatched, failed, converted, lift. */
  @Get('campaigns')
  @ApiOperation({ summary: "Every rule's outcomes: matched, waiting, dispatched, suppressed (by reason), held, holdout, conversions" })
  campaigns(): Promise<{ rules: RuleResults[] }> {
    return this.queries.execute(new CampaignResultsQuery());
  }
}
