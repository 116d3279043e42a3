import type { RecordedEvent } from '@journey/event-store';

export interface RetentionCohort {
  /** The month of the cohort's first purchase, YYYY-MM. */
  readonly month: string;
  readonly customers: number;
  /** Customers of the cohort who bought in month 0, 1, 2, … after their first (month 0 is everyone). */
  readonly active: readonly number[];
}

/** PurchaseCompleted events tallied as the UTC months each customer bought in. */
export class PurchaseMonthTally {
  private readonly months = new Map<string, Set<number>>();

  add(events: readonly RecordedEvent[]): void {
    for (const event of events) {
      const at = new Date(event.occurredAt);
      const months = this.months.get(event.streamId) ?? new Set<number>();
      months.add(at.getUTCFullYear() * 12 + at.getUTCMonth());
      this.months.set(event.streamId, months);
    }
  }

  /** Cohorts by first-purchase month, those whose month begins in the period, oldest first. */
  cohorts(period: { readonly from: string; readonly to: string }): RetentionCohort[] {
    const first = monthIndex(new Date(period.from));
    const to = new Date(period.to);
    const cohorts = new Map<number, number[]>();
    for (const months of this.months.values()) {
      const cohort = Math.min(...months);
      if (cohort < first || monthStart(cohort) >= to) continue;
      const active = cohorts.get(cohort) ?? [];
      for (const month of months) active[month - cohort] = (active[month - cohort] ?? 0) + 1;
      cohorts.set(cohort, active);
    }
    return [...cohorts]
      .sort(([a], [b]) => a - b)
      .map(([cohort, active]) => ({ month: monthStart(cohort).toISOString().slice(0, 7), customers: active[0] ?? 0, active: Array.from(active, (n) => n ?? 0) }));
  }
}

function monthIndex(at: Date): number {
  return at.getUTCFullYear() * 12 + at.getUTCMonth();
}

function monthStart(index: number): Date {
  return new Date(Date.UTC(Math.floor(index / 12), index % 12, 1));
}
