/** A month as a number: year × 12 + month (0-based), UTC. */
export function monthIndex(instant: string): number {
  const at = new Date(instant);
  return at.getUTCFullYear() * 12 + at.getUTCMonth();
}

/** The first day of a month index, YYYY-MM-DD. */
export function monthDate(index: number): string {
  return new Date(Date.UTC(Math.floor(index / 12), index % 12, 1)).toISOString().slice(0, 10);
}

export interface RetentionChanges {
  /** Months in which a customer bought for the first time that month. */
  readonly added: ReadonlyArray<{ readonly streamId: string; readonly month: number }>;
  /** What to add to the retention counts: customers of the cohort (first-purchase month) active in a month. */
  readonly deltas: ReadonlyArray<{ readonly cohort: number; readonly month: number; readonly customers: number }>;
}

/**
 * What purchases change in the retention counts, given the months each customer already bought
 * in. A customer counts once per month they bought in, under the cohort of their first month; a
 * purchase older than that first month (a late event) moves all their months to the new cohort.
 */
export function retentionChanges(known: ReadonlyMap<string, readonly number[]>, purchases: ReadonlyArray<{ readonly streamId: string; readonly month: number }>): RetentionChanges {
  const months = new Map<string, Set<number>>();
  const added: Array<{ streamId: string; month: number }> = [];
  const deltas = new Map<string, { cohort: number; month: number; customers: number }>();
  const add = (cohort: number, month: number, customers: number): void => {
    const key = `${cohort}:${month}`;
    const delta = deltas.get(key) ?? { cohort, month, customers: 0 };
    delta.customers += customers;
    deltas.set(key, delta);
  };
  for (const { streamId, month } of purchases) {
    const had = months.get(streamId) ?? new Set(known.get(streamId) ?? []);
    months.set(streamId, had);
    if (had.has(month)) continue;
    const first = had.size > 0 ? Math.min(...had) : undefined;
    if (first !== undefined && month < first) {
      for (const old of had) {
        add(first, old, -1);
        add(month, old, 1);
      }
    }
    add(first === undefined || month < first ? month : first, month, 1);
    had.add(month);
    added.push({ streamId, month });
  }
  return { added, deltas: [...deltas.values()].filter((delta) => delta.customers !== 0) };
}
