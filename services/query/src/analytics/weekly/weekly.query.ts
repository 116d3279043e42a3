import { Query } from '@nestjs/cqrs';
import type { Period } from '../analytics';

export interface WeeklyReport {
  readonly period: Period;
  /** Orders, revenue and refunds (minor units) per UTC week (its Monday) and currency. */
  readonly sales: ReadonlyArray<{ week: string; currency: string; orders: number; revenue: number; refunds: number }>;
  /** Lifecycle stage changes per UTC week, by from → to. */
  readonly transitions: ReadonlyArray<{ week: string; from: string; to: string; changes: number }>;
}

/** Sales and stage changes per week over a period (default: the last 26 weeks), from the weekly aggregates. */
export class WeeklyQuery extends Query<WeeklyReport> {
  constructor(
    readonly from?: string,
    readonly to?: string,
  ) {
    super();
  }
}
