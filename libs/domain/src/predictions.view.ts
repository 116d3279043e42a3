import type { ChurnBand } from '@journey/contracts';

/**
 * A customer's predictions as the 360, conditions and templates see them: plain fields, so that
 * `customer.predictions.pAlive lt 0.3` and `customer.predictions.clv gt 50000` are conditions
 * like any other. Money in minor units of `currency` (the base currency).
 */
export interface CustomerPredictions {
  /** The ModelFitted event's fitId: the model version that made these numbers. */
  readonly fitId: string;
  readonly scoredAt: string;
  readonly pAlive: number;
  readonly churnRisk: number;
  readonly churnBand: ChurnBand;
  readonly expectedPurchases30d: number;
  readonly expectedPurchases90d: number;
  readonly expectedPurchases365d: number;
  readonly expectedAov: number;
  /** 12-month CLV, discounted. */
  readonly clv: number;
  readonly currency: string;
  /** Up to five SKUs, best first. */
  readonly recommendations: readonly string[];
}
