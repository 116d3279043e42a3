import type { RuleResults } from '../api/types';

/**
 * The 95% confidence interval of the difference in conversion rates, treated minus holdout
 * (Wald, normal approximation), or undefined when either group is empty.
 */
export function liftInterval(result: Pick<RuleResults, 'dispatched' | 'converted' | 'holdout' | 'holdoutConverted'>): { low: number; high: number } | undefined {
  const n1 = result.dispatched ?? 0;
  const n0 = result.holdout ?? 0;
  if (n1 === 0 || n0 === 0) return undefined;
  const p1 = Math.min(1, (result.converted ?? 0) / n1);
  const p0 = Math.min(1, (result.holdoutConverted ?? 0) / n0);
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p0 * (1 - p0)) / n0);
  const difference = p1 - p0;
  return { low: difference - 1.96 * se, high: difference + 1.96 * se };
}
