import type { ChurnBand } from '@journey/contracts';

/** The risks from which a customer is in the medium and the high band (risk ≥ cutoff). */
export interface ChurnCutoffs {
  readonly medium: number;
  readonly high: number;
}

export const DEFAULT_CHURN_CUTOFFS: ChurnCutoffs = { medium: 0.3, high: 0.6 };

export function churnBand(pAlive: number, cutoffs: ChurnCutoffs = DEFAULT_CHURN_CUTOFFS): ChurnBand {
  const risk = 1 - pAlive;
  if (risk >= cutoffs.high) return 'high';
  if (risk >= cutoffs.medium) return 'medium';
  return 'low';
}
