import { DEFAULT_LIFECYCLE, DEFAULT_TIER_CUTOFFS, type CurrencyRates, type LifecycleThresholds } from '@journey/domain';

export interface ProjectionOptions {
  readonly lifecycle: LifecycleThresholds;
  readonly rates: CurrencyRates;
  /** RFM looks this many days back (default 365). */
  readonly rfmWindowDays: number;
  readonly tierCutoffs: { readonly high: number; readonly medium: number };
  /** Events per projector batch (default 2000). */
  readonly batchSize: number;
  /** How often the lifecycle clock looks for customers due for review (default 60 s). */
  readonly clockIntervalMs: number;
  /** How often the RFM job runs (default 15 minutes); 0 turns the schedule off. */
  readonly rfmIntervalMs: number;
}

export const DEFAULT_PROJECTION_OPTIONS: ProjectionOptions = {
  lifecycle: DEFAULT_LIFECYCLE,
  rates: { base: 'EUR', rates: { USD: 0.92, GBP: 1.16 } },
  rfmWindowDays: 365,
  tierCutoffs: DEFAULT_TIER_CUTOFFS,
  batchSize: 2000,
  clockIntervalMs: 60_000,
  rfmIntervalMs: 15 * 60_000,
};
