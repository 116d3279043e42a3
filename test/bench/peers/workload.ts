/**
 * What every store in the peer benchmark is given: the purchases of bench-support (about 400
 * bytes as JSON) to streams picked at random among 10,000, and the customer summary they fold.
 */
import type { NewEvent } from '@journey/event-store';
import { Client } from 'pg';
import { purchaseData, purchaseEvent, Streams, timedLoops } from '../bench-support';

/** One measured append scenario: how many events a call carries, how many callers run at once. */
export interface AppendShape {
  readonly perCall: number;
  readonly callers: number;
}


/**
 * Runs `callers` loops for `seconds`, each call writing `perCall` fresh purchases to a random
 * stream through `write`, and returns the events written per second.
 */
export async function closedLoop(
  shape: AppendShape,
  seconds: number,
  write: (stream: string, events: readonly NewEvent[]) => Promise<void>,
): Promise<number> {
  const streams = new Streams();
  let n = 0;
  return timedLoops(shape.callers, seconds, async () => {
    const events = Array.from({ length: shape.perCall }, () => purchaseEvent(n++));
    await write(streams.pick(), events);
    return shape.perCall;
  });
}

const CURRENCIES = ['EUR', 'USD', 'GBP'] as const;

/** One append of the history: a stream and its events. */
export interface HistoryCall {
  readonly stream: string;
  readonly events: readonly NewEvent[];
}

/**
 * The history the projections catch up over: `events` purchases in calls of `perCall` to streams
 * picked at random among 10,000 customers, in three currencies. Written the same, in the same
 * order, to every store.
 */
export function history(events: number, perCall: number): HistoryCall[] {
  const streams = new Streams();
  const calls: HistoryCall[] = [];
  for (let n = 0; n < events; ) {
    const batch: NewEvent[] = [];
    for (let i = 0; i < perCall && n < events; i++, n++) {
      batch.push(purchaseEvent(n, { ...purchaseData(n), currency: CURRENCIES[n % CURRENCIES.length] }));
    }
    calls.push({ stream: streams.pick(), events: batch });
  }
  return calls;
}

/** Does `work` for every item, `callers` at a time, each caller taking the next item in order. */
export async function inParallel<T>(items: readonly T[], callers: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** The figures a purchase adds to its customer's summary. */
export interface PurchaseFigures {
  readonly customer: string;
  readonly currency: string;
  readonly total: number;
  readonly occurredAt: string;
  readonly orderId: string;
}

export function figuresOf(customer: string, data: object, occurredAt: string): PurchaseFigures {
  const purchase = data as { currency?: unknown; total?: unknown; orderId?: unknown };
  return { customer, currency: String(purchase.currency), total: Number(purchase.total), occurredAt, orderId: String(purchase.orderId) };
}

/** The per-customer summary table journey's fold and Emmett's raw-SQL projection write. */
export function summaryTableSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
    customer_id text PRIMARY KEY,
    orders integer NOT NULL,
    revenue jsonb NOT NULL,
    last_purchase_at timestamptz NOT NULL,
    last_order_id text NOT NULL
  )`;
}

/**
 * One statement folding a batch of per-customer deltas (a JSON array of {c, o, r, l, lo}: customer,
 * orders, revenue per currency, last purchase and its order) into the summary table.
 */
export function summaryUpsertSql(table: string, deltas: string): string {
  return `INSERT INTO ${table} AS s (customer_id, orders, revenue, last_purchase_at, last_order_id)
    SELECT c, o, r, l, lo FROM jsonb_to_recordset(${deltas}) AS d(c text, o integer, r jsonb, l timestamptz, lo text)
    ON CONFLICT (customer_id) DO UPDATE SET
      orders = s.orders + excluded.orders,
      revenue = (SELECT jsonb_object_agg(k, total) FROM (
        SELECT k, sum(v::bigint) AS total FROM (
          SELECT * FROM jsonb_each_text(s.revenue) UNION ALL SELECT * FROM jsonb_each_text(excluded.revenue)
        ) AS both_sides(k, v) GROUP BY k) AS merged),
      last_purchase_at = greatest(s.last_purchase_at, excluded.last_purchase_at),
      last_order_id = CASE WHEN excluded.last_purchase_at >= s.last_purchase_at THEN excluded.last_order_id ELSE s.last_order_id END`;
}

/** Per-customer deltas of a batch of purchases, as the JSON summaryUpsertSql reads. */
export function summaryDeltas(purchases: readonly PurchaseFigures[]): string {
  const byCustomer = new Map<string, { c: string; o: number; r: Record<string, number>; l: string; lo: string }>();
  for (const p of purchases) {
    let delta = byCustomer.get(p.customer);
    if (!delta) {
      delta = { c: p.customer, o: 0, r: {}, l: p.occurredAt, lo: p.orderId };
      byCustomer.set(p.customer, delta);
    }
    delta.o++;
    delta.r[p.currency] = (delta.r[p.currency] ?? 0) + p.total;
    if (p.occurredAt >= delta.l) {
      delta.l = p.occurredAt;
      delta.lo = p.orderId;
    }
  }
  return JSON.stringify([...byCustomer.values()]);
}

/** What a summary must add up to: every purchase counted once, its total in its currency. */
export interface SummaryCheck {
  readonly customers: number;
  readonly orders: number;
  readonly revenue: number;
}

export function expectedSummary(calls: readonly HistoryCall[]): SummaryCheck {
  const customers = new Set(calls.map((call) => call.stream));
  let orders = 0;
  let revenue = 0;
  for (const call of calls) {
    for (const event of call.events) {
      orders++;
      revenue += Number((event.data as { total: number }).total);
    }
  }
  return { customers: customers.size, orders, revenue };
}

/** Adds up a summary: `ordersSql` and `revenueSql` are expressions over the table's rows. */
export async function readSummary(url: string, table: string, ordersSql: string, revenueSql: string): Promise<SummaryCheck> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ customers: string; orders: string | null; revenue: string | null }>(
      `SELECT count(*) AS customers, sum(${ordersSql}) AS orders,
         sum((SELECT sum(value::bigint) FROM jsonb_each_text(${revenueSql}))) AS revenue
       FROM ${table}`,
    );
    const row = rows[0]!;
    return { customers: Number(row.customers), orders: Number(row.orders ?? 0), revenue: Number(row.revenue ?? 0) };
  } finally {
    await client.end();
  }
}

export function sameSummary(a: SummaryCheck, b: SummaryCheck): boolean {
  return a.customers === b.customers && a.orders === b.orders && a.revenue === b.revenue;
}
