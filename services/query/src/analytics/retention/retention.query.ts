import { Query } from '@nestjs/cqrs';
import type { Period, RetentionCohort } from '../analytics';

export interface RetentionReport {
  readonly period: Period;
  readonly cohorts: RetentionCohort[];
}

/** Retention by first-purchase month, for the cohorts of a period (default: the last 12 months). */
export class RetentionQuery extends Query<RetentionReport> {
  constructor(
    readonly from?: string,
    readonly to?: string,
  ) {
    super();
  }
}
