import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Database } from '@journey/database';
import { CLOCK, DATABASE, type Clock } from '@journey/platform';
import { weekOf } from '@journey/projections';
import { period } from '../period';
import { WeeklyQuery, type WeeklyReport } from './weekly.query';

@QueryHandler(WeeklyQuery)
export class WeeklyHandler implements IQueryHandler<WeeklyQuery> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ from, to }: WeeklyQuery): Promise<WeeklyReport> {
    const range = period(from, to, this.clock(), 26 * 7);
    // The weeks from the one holding `from` to the one holding the period's last instant (it ends before `to`).
    const bounds = [weekOf(range.from), new Date(Date.parse(range.to) - 1).toISOString().slice(0, 10)];
    const sales = await this.db.query<{ week: string; currency: string; orders: number; revenue: string; refunds: string }>(
      `SELECT to_char(week, 'YYYY-MM-DD') AS week, currency, orders, revenue, refunds FROM journey.weekly_sales WHERE week >= $1::date AND week <= $2::date ORDER BY 1, 2`,
      bounds,
    );
    const stages = await this.db.query<{ week: string; from: string; to: string; changes: number }>(
      `SELECT to_char(week, 'YYYY-MM-DD') AS week, from_stage AS "from", to_stage AS "to", changes FROM journey.weekly_stage_changes WHERE week >= $1::date AND week <= $2::date ORDER BY 1, 2, 3`,
      bounds,
    );
    return {
      period: range,
      sales: sales.rows.map((row) => ({ ...row, orders: Number(row.orders), revenue: Number(row.revenue), refunds: Number(row.refunds) })),
      transitions: stages.rows.map((row) => ({ ...row, changes: Number(row.changes) })),
    };
  }
}
