import { DEFAULT_LIFECYCLE, DEFAULT_TIER_CUTOFFS, type CurrencyRates, type LifecycleThresholds } from '@journey/domain';

export interface ProjectionOptions {
  readonly lifecycle: LifecycleThresholds;
  readonly rates: CurrencyRates;
  /** RFM looks this many days back (default 365). */
  readonly rfmWindowDays: number;
  readonly tierCutoffs: { readonly high: number; readonly medium: number };
  /** Events per projector batch (default 2000). */
  readonly batchSize: number;
  /**
   * After a batch that emptied the log, how long the customer pass lets events gather before it
   * reads again (default 25 ms; 0 reads on every commit). Under a stream of small commits it then
   * runs fewer, fuller batches: each batch's transaction costs a dozen round trips whatever it holds.
   */
  readonly gatherMs: number;
  /** How often the lifecycle clock looks for customers due for review (default 60 s). */
  readonly clockIntervalMs: number;
  /** How often the RFM job runs (default 15 minutes); 0 turns the schedule off. */
  readonly rfmIntervalMs: number;
  readonly predictions: PredictionOptions;
}

/** The purchase models' job (BG/NBD, Gamma-Gamma, churn risk, recommendations). */
export interface PredictionOptions {
  /** How often the models are refitted and every customer scored (default daily); 0 turns the schedule off. */
  readonly intervalMs: number;
  /** The discount rate of the 12-month CLV, a year (default 0.1). */
  readonly annualDiscountRate: number;
  /** Churn risk (1 − P(alive)) from which a customer is in the medium and the high band. */
  readonly churnCutoffs: { readonly medium: number; readonly high: number };
  /** Products bought or viewed within this many days are the catalogue recommendations draw from (default 180). */
  readonly catalogueWindowDays: number;
}

export const DEFAULT_PROJECTION_OPTIONS: ProjectionOptions = {
  lifecycle: DEFAULT_LIFECYCLE,
  rates: { base: 'EUR', rates: { USD: 0.92, GBP: 1.16 } },
  rfmWindowDays: 365,
  tierCutoffs: DEFAULT_TIER_CUTOFFS,
  batchSize: 2000,
  gatherMs: 25,
  clockIntervalMs: 60_000,
  rfmIntervalMs: 15 * 60_000,
  predictions: { intervalMs: 24 * 3_600_000, annualDiscountRate: 0.1, churnCutoffs: { medium: 0.3, high: 0.6 }, catalogueWindowDays: 180 },
};
