import type { Queryable } from '@journey/database';
import type { EventStore, RecordedEvent, Subscription } from '@journey/event-store';
import { foldWeekly } from './weekly-fold';

export const WEEKLY_SUBSCRIPTION = 'analytics:weekly';

/**
 * Keeps journey.weekly_sales and journey.weekly_stage_changes from the log, with a subscription
 * of its own: each batch's sums are added in the unit that moves its checkpoint, so a batch
 * counts once.
 */
export class WeeklyAggregates {
  private subscription: Subscription | undefined;

  constructor(
    private readonly store: EventStore<Queryable>,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.subscription ??= this.store.subscribe(WEEKLY_SUBSCRIPTION, (events, unit) => addWeekly(unit.state, events), { batchSize: 5000, onError: this.onError });
  }

  async caughtUp(): Promise<void> {
    await this.subscription?.caughtUp();
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }
}

async function addWeekly(db: Queryable, events: readonly RecordedEvent[]): Promise<void> {
  const { sales, stages } = foldWeekly(events);
  if (sales.length > 0) {
    await db.query(
      `INSERT INTO journey.weekly_sales (week, currency, orders, revenue, refunds)
       SELECT x.week, x.currency, x.orders, x.revenue, x.refunds FROM json_to_recordset($1::json) AS x(week date, currency text, orders int, revenue bigint, refunds bigint)
       ON CONFLICT (week, currency) DO UPDATE SET orders = weekly_sales.orders + excluded.orders,
         revenue = weekly_sales.revenue + excluded.revenue, refunds = weekly_sales.refunds + excluded.refunds`,
      [JSON.stringify(sales)],
    );
  }
  if (stages.length > 0) {
    await db.query(
      `INSERT INTO journey.weekly_stage_changes (week, from_stage, to_stage, changes)
       SELECT x.week, x."from", x."to", x.changes FROM json_to_recordset($1::json) AS x(week date, "from" text, "to" text, changes int)
       ON CONFLICT (week, from_stage, to_stage) DO UPDATE SET changes = weekly_stage_changes.changes + excluded.changes`,
      [JSON.stringify(stages)],
    );
  }
}
