import { Query } from '@nestjs/cqrs';

export interface PredictionSummary {
  /** False where the engine keeps no purchase-model predictions (then everything below is empty). */
  readonly available: boolean;
  /** Scored customers (estimated from the table's statistics when sampled). */
  readonly customers: number;
  /** Whether the figures come from a sample of the predictions (large populations) rather than all of them. */
  readonly sampled: boolean;
  readonly currency: string | null;
  /** Share of customers whose P(alive) falls in each tenth, 0–10 % first. */
  readonly pAlive: readonly number[];
  /** Share of customers in each churn-risk band. */
  readonly churnBands: Readonly<Record<string, number>>;
  /** Customers by 12-month CLV, highest tenth first: their CLV range and mean, minor units of `currency`. */
  readonly clvDeciles: ReadonlyArray<{ readonly decile: number; readonly minClv: number; readonly maxClv: number; readonly averageClv: number; readonly share: number }>;
}

/** The P(alive) distribution, churn bands and CLV deciles of the latest scoring (`available: false` where the engine has no predictions). */
export class PredictionSummaryQuery extends Query<PredictionSummary> {}
