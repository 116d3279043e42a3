import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { CLOCK, DATABASE, type Clock } from '@journey/platform';
import { monthIndex } from '@journey/projections';
import { period } from '../period';
import { cohortsFromCounts } from './retention-counts';
import { RetentionQuery, type RetentionReport } from './retention.query';

/** Retention from journey.retention_counts (kept from the log by the analytics:weekly subscription): a few hundred rows, whatever the log's length. */
@QueryHandler(RetentionQuery)
export class RetentionHandler implements IQueryHandler<RetentionQuery> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ from, to }: RetentionQuery): Promise<RetentionReport> {
    const range = period(from, to, this.clock(), 365);
    const { rows } = await this.db.query<{ cohort: string; month: string; customers: number }>(
      `SELECT to_char(cohort, 'YYYY-MM-DD') AS cohort, to_char(month, 'YYYY-MM-DD') AS month, customers FROM journey.retention_counts
       WHERE cohort >= date_trunc('month', $1::timestamptz AT TIME ZONE 'UTC')::date AND cohort < $2::timestamptz AT TIME ZONE 'UTC'`,
      [range.from, range.to],
    );
    const counts = rows.map((row) => ({ cohort: monthIndex(`${row.cohort}T00:00:00Z`), month: monthIndex(`${row.month}T00:00:00Z`), customers: Number(row.customers) }));
    return { period: range, cohorts: cohortsFromCounts(counts, range) };
  }
}
