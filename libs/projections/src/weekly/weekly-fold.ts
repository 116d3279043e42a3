import type { RecordedEvent } from '@journey/event-store';

export interface SalesCell {
  readonly week: string;
  readonly currency: string;
  orders: number;
  revenue: number;
  refunds: number;
}

export interface StageCell {
  readonly week: string;
  readonly from: string;
  readonly to: string;
  changes: number;
}

/** The Monday (UTC, YYYY-MM-DD) of the week an instant falls in. */
export function weekOf(instant: string): string {
  const date = new Date(instant);
  date.setUTCHours(0, 0, 0, 0);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

/** The event types the weekly aggregates read; the others pass them by. */
export const WEEKLY_TYPES = ['PurchaseCompleted', 'PurchaseRefunded', 'LifecycleStageChanged'] as const;

/** What a batch of the log adds to the weekly aggregates: purchases, refunds and stage changes by the week they occurred in. */
export function foldWeekly(events: readonly Pick<RecordedEvent, 'type' | 'occurredAt' | 'data'>[]): { sales: SalesCell[]; stages: StageCell[] } {
  const sales = new Map<string, SalesCell>();
  const stages = new Map<string, StageCell>();
  const salesCell = (week: string, currency: string): SalesCell => {
    const key = `${week}|${currency}`;
    const cell = sales.get(key) ?? { week, currency, orders: 0, revenue: 0, refunds: 0 };
    sales.set(key, cell);
    return cell;
  };
  for (const event of events) {
    const data = event.data as Record<string, unknown>;
    if (event.type === 'PurchaseCompleted' && typeof data.total === 'number' && typeof data.currency === 'string') {
      const cell = salesCell(weekOf(event.occurredAt), data.currency);
      cell.orders += 1;
      cell.revenue += data.total;
    } else if (event.type === 'PurchaseRefunded' && typeof data.amount === 'number' && typeof data.currency === 'string') {
      salesCell(weekOf(event.occurredAt), data.currency).refunds += data.amount;
    } else if (event.type === 'LifecycleStageChanged' && typeof data.from === 'string' && typeof data.to === 'string') {
      const week = weekOf(event.occurredAt);
      const key = `${week}|${data.from}|${data.to}`;
      const cell = stages.get(key) ?? { week, from: data.from, to: data.to, changes: 0 };
      cell.changes += 1;
      stages.set(key, cell);
    }
  }
  return { sales: [...sales.values()], stages: [...stages.values()] };
}
