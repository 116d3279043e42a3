import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { RuleResults } from '@journey/journeys';
import { Roles } from '@journey/platform';
import type { Funnel, ValueGrid } from './analytics';
import { CampaignResultsQuery } from './campaign-results/campaign-results.query';
import { LifecycleFunnelQuery } from './lifecycle-funnel/lifecycle-funnel.query';
import { RetentionQuery, type RetentionReport } from './retention/retention.query';
import { ValueGridQuery } from './value-grid/value-grid.query';

/** Marketing analytics over the read models and the log. */
@ApiTags('marketing')
@Controller('v1/analytics')
@Roles('marketing')
export class AnalyticsController {
  constructor(private readonly queries: QueryBus) {}

  /** Customers per stage now, and the stage changes of the period (default: the last 30 days). */
  @Get('funnel')
  @ApiOperation({ summary: 'The lifecycle funnel over a period (?from, ?to): customers per stage and the moves between stages' })
  funnel(@Query('from') from?: string, @Query('to') to?: string): Promise<Funnel> {
    return this.queries.execute(new LifecycleFunnelQuery(from, to));
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

  /** Every rule's results: matched, suppressed by reason, dispatched, failed, converted, lift. */
  @Get('campaigns')
  @ApiOperation({ summary: "Every rule's outcomes: matched, waiting, dispatched, suppressed (by reason), held, holdout, conversions" })
  campaigns(): Promise<{ rules: RuleResults[] }> {
    return this.queries.execute(new CampaignResultsQuery());
  }
}
