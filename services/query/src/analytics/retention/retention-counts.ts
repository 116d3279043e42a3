import type { RetentionCohort } from '../log-tallies';

/** The cohorts of a period from the retention counts (month indexes), as the log's tally gives them, oldest first. */
export function cohortsFromCounts(rows: ReadonlyArray<{ readonly cohort: number; readonly month: number; readonly customers: number }>, period: { readonly from: string; readonly to: string }): RetentionCohort[] {
  const from = new Date(period.from);
  const first = from.getUTCFullYear() * 12 + from.getUTCMonth();
  const to = new Date(period.to);
  const start = (index: number): Date => new Date(Date.UTC(Math.floor(index / 12), index % 12, 1));
  const cohorts = new Map<number, number[]>();
  for (const row of rows) {
    if (row.customers === 0 || row.cohort < first || start(row.cohort) >= to) continue;
    const active = cohorts.get(row.cohort) ?? [];
    active[row.month - row.cohort] = (active[row.month - row.cohort] ?? 0) + row.customers;
    cohorts.set(row.cohort, active);
  }
  return [...cohorts]
    .sort(([a], [b]) => a - b)
    .map(([cohort, active]) => ({ month: start(cohort).toISOString().slice(0, 7), customers: active[0] ?? 0, active: Array.from(active, (n) => n ?? 0) }));
}
