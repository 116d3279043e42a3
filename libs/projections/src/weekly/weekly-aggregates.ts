import type { Queryable } from '@journey/database';
import type { EventStore, PartitionLeases, RecordedEvent, Subscription } from '@journey/event-store';
import { CUSTOMER_STREAM_PREFIX } from '@journey/contracts';
import { monthDate, monthIndex, retentionChanges } from './retention-fold';
import { foldWeekly, WEEKLY_TYPES } from './weekly-fold';
import { READ_MODEL_GATHER_MS } from '../gather';

export const WEEKLY_SUBSCRIPTION = 'analytics:weekly';

/**
 * Keeps journey.weekly_sales, journey.weekly_stage_changes, journey.stage_changes and the
 * retention counts (journey.purchase_months, journey.retention_counts) from the log, with a
 * subscription of its own: each batch's rows are added in the unit that moves its checkpoint, so
 * a batch counts once.
 */
export class WeeklyAggregates {
  private subscription: Subscription | undefined;

  constructor(
    private readonly store: EventStore<Queryable>,
    private readonly onError: (error: unknown) => void,
    /** A lease group of one partition (unstarted): of the processes side by side, the one holding it reads the log for the aggregates. */
    private readonly lease?: PartitionLeases<Queryable>,
  ) {}

  async start(): Promise<void> {
    if (this.subscription) return;
    await this.lease?.start();
    this.subscription ??= this.store.subscribe(WEEKLY_SUBSCRIPTION, (events, unit) => addAggregates(unit.state, events), {
      batchSize: 5000,
      gatherMs: READ_MODEL_GATHER_MS,
      appendsNothing: true,
      types: WEEKLY_TYPES,
      onError: this.onError,
      partitions: this.lease ? { ownership: this.lease } : undefined,
    });
  }

  async caughtUp(): Promise<void> {
    await this.subscription?.caughtUp();
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
    await this.lease?.stop();
  }
}

async function addAggregates(db: Queryable, events: readonly RecordedEvent[]): Promise<void> {
  await addRetention(db, events);
  await addStageChanges(db, events);
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

/** Each stage change, by the instant it occurred: what the funnel counts over a period. */
async function addStageChanges(db: Queryable, events: readonly RecordedEvent[]): Promise<void> {
  const rows = events
    .filter((event) => event.type === 'LifecycleStageChanged')
    .map((event) => {
      const { from, to } = event.data as { from?: string | null; to: string };
      return { event_id: event.eventId, stream_id: event.streamId, occurred_at: event.occurredAt, from_stage: from ?? null, to_stage: to };
    });
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO journey.stage_changes (event_id, stream_id, occurred_at, from_stage, to_stage)
     SELECT x.event_id, x.stream_id, x.occurred_at, x.from_stage, x.to_stage
     FROM json_to_recordset($1::json) AS x(event_id uuid, stream_id text, occurred_at timestamptz, from_stage text, to_stage text)
     ON CONFLICT (event_id) DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

/** A customer's purchase months, and the counts of each cohort's customers active each month. */
async function addRetention(db: Queryable, events: readonly RecordedEvent[]): Promise<void> {
  const purchases = events
    .filter((event) => event.type === 'PurchaseCompleted' && event.streamId.startsWith(CUSTOMER_STREAM_PREFIX))
    .map((event) => ({ streamId: event.streamId, month: monthIndex(event.occurredAt) }));
  if (purchases.length === 0) return;
  const streams = [...new Set(purchases.map((purchase) => purchase.streamId))];
  const { rows } = await db.query<{ stream_id: string; month: string }>(
    `SELECT stream_id, to_char(month, 'YYYY-MM-DD') AS month FROM journey.purchase_months WHERE stream_id = ANY($1::text[])`,
    [streams],
  );
  const known = new Map<string, number[]>();
  for (const row of rows) known.set(row.stream_id, [...(known.get(row.stream_id) ?? []), monthIndex(`${row.month}T00:00:00Z`)]);
  const { added, deltas } = retentionChanges(known, purchases);
  if (added.length > 0) {
    await db.query(
      `INSERT INTO journey.purchase_months (stream_id, month) SELECT x.stream_id, x.month FROM json_to_recordset($1::json) AS x(stream_id text, month date)`,
      [JSON.stringify(added.map((row) => ({ stream_id: row.streamId, month: monthDate(row.month) })))],
    );
  }
  if (deltas.length > 0) {
    await db.query(
      `INSERT INTO journey.retention_counts (cohort, month, customers)
       SELECT x.cohort, x.month, x.customers FROM json_to_recordset($1::json) AS x(cohort date, month date, customers int)
       ON CONFLICT (cohort, month) DO UPDATE SET customers = retention_counts.customers + excluded.customers`,
      [JSON.stringify(deltas.map((row) => ({ cohort: monthDate(row.cohort), month: monthDate(row.month), customers: row.customers })))],
    );
  }
}
