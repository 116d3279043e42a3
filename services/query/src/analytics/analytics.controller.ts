import { ApiTags } from '@nestjs/swagger';
import { Controller, Get, Inject, Query } from '@nestjs/common';
import type { Database } from '@journey/database';
import { ruleResults, type RuleResults } from '@journey/journeys';
import { CLOCK, DATABASE, DATE_OR_INSTANT_REASON, parseInstant, RequestRejectedError, Roles, type Clock, type FieldProblem } from '@journey/platform';
import { lifecycleFunnel, retention, valueGrid, type Funnel, type Period, type RetentionCohort, type ValueGrid } from './analytics';

const DAY = 86_400_000;

/** Marketing analytics over the read models and the log. */
@ApiTags('marketing')
@Controller('v1/analytics')
@Roles('marketing')
export class AnalyticsController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Customers per stage now, and the stage changes of the period (default: the last 30 days). */
  @Get('funnel')
  funnel(@Query('from') from?: string, @Query('to') to?: string): Promise<Funnel> {
    const now = this.clock();
    return lifecycleFunnel(this.db, period(from, to, now, 30), now);
  }

  /** Tiers, RFM segments and the recency × frequency grid. */
  @Get('value')
  value(): Promise<ValueGrid> {
    return valueGrid(this.db);
  }

  /** Retention by first-purchase month, for cohorts of the period (default: the last 12 months). */
  @Get('retention')
  async retention(@Query('from') from?: string, @Query('to') to?: string): Promise<{ period: Period; cohorts: RetentionCohort[] }> {
    const range = period(from, to, this.clock(), 365);
    return { period: range, cohorts: await retention(this.db, range) };
  }

  /** Every rule's results: matched, suppressed by reason, dispatched, failed, converted, lift. */
  @Get('campaigns')
  async campaigns(): Promise<{ rules: RuleResults[] }> {
    return { rules: await ruleResults(this.db) };
  }
}

function period(from: string | undefined, to: string | undefined, now: Date, days: number): Period {
  const errors: FieldProblem[] = [];
  const parse = (name: string, value: string | undefined, fallback: Date): string => {
    if (value === undefined) return fallback.toISOString();
    const parsed = typeof value === 'string' ? parseInstant(value, 'dates') : undefined;
    if (!parsed) {
      errors.push({ field: name, reason: DATE_OR_INSTANT_REASON });
      return fallback.toISOString();
    }
    return parsed.toISOString();
  };
  const range = { from: parse('from', from, new Date(now.getTime() - days * DAY)), to: parse('to', to, now) };
  if (errors.length === 0 && range.from >= range.to) errors.push({ field: 'from', reason: 'must be before to' });
  if (errors.length > 0) throw new RequestRejectedError(400, 'Invalid period', errors);
  return range;
}
