/**
 * Emmett's side of the peer benchmark (`@event-driven-io/emmett-postgresql`, through the
 * journey-bench-peers package, which keeps Emmett's peers apart from the root's uuid and
 * commander): `appendToStream`, and a customer summary caught up by its documented rebuild
 * consumer, `rebuildPostgreSQLProjections`, with a Pongo document projection and with a raw-SQL one.
 */
import type { NewEvent } from '@journey/event-store';
import {
  getPostgreSQLEventStore,
  pongoMultiStreamProjection,
  postgreSQLRawSQLProjection,
  rebuildPostgreSQLProjections,
  sql,
  type Event,
  type PostgresEventStore,
  type PostgresReadEventMetadata,
  type PostgreSQLProjectionDefinition,
  type ReadEvent,
} from 'journey-bench-peers';
import { Client } from 'pg';
import { closedLoop, figuresOf, inParallel, summaryDeltas, summaryTableSql, summaryUpsertSql, type AppendShape, type HistoryCall } from './workload';

type Purchase = Event<'PurchaseCompleted', Record<string, unknown>, { messageId: string; occurredAt: string; correlationId?: string }>;

function toEmmett(event: NewEvent): Purchase {
  return {
    type: 'PurchaseCompleted',
    data: event.data as Record<string, unknown>,
    metadata: { messageId: event.eventId, occurredAt: event.occurredAt, correlationId: event.metadata.correlationId },
  };
}

/** An empty Emmett store: its tables (and Pongo's) live in `public`, dropped and migrated again. */
export async function freshEmmett(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public');
  await client.end();
  const store = getPostgreSQLEventStore(url);
  await store.schema.migrate();
  await store.close();
}

/**
 * Appends a call's events, without an expected version. Emmett refuses the loser of two first
 * appends racing on the same stream (a unique violation it reports as a version conflict, 412):
 * as an application would for a write without a version check, the call is made again.
 */
async function append(store: PostgresEventStore, stream: string, events: readonly NewEvent[], conflicts: { count: number }): Promise<void> {
  const batch = events.map(toEmmett);
  for (;;) {
    try {
      await store.appendToStream<Purchase>(stream, batch);
      return;
    } catch (error) {
      if ((error as { errorCode?: number }).errorCode !== 412) throw error;
      conflicts.count++;
    }
  }
}

/** `appendToStream` from `shape.callers` callers at once, on an empty store (pg's default pool of 10). */
export async function emmettAppend(url: string, shape: AppendShape, seconds: number): Promise<{ rate: number; retries: number }> {
  await freshEmmett(url);
  const store = getPostgreSQLEventStore(url);
  const conflicts = { count: 0 };
  try {
    const rate = await closedLoop(shape, seconds, (stream, events) => append(store, stream, events, conflicts));
    return { rate, retries: conflicts.count };
  } finally {
    await store.close();
  }
}

/** Writes the history to an empty Emmett store, in its order (one caller) or by `callers` at once. */
export async function writeEmmettHistory(url: string, calls: readonly HistoryCall[], callers = 1): Promise<void> {
  await freshEmmett(url);
  const store = getPostgreSQLEventStore(url);
  const conflicts = { count: 0 };
  await inParallel(calls, callers, (call) => append(store, call.stream, call.events, conflicts));
  await store.close();
}

interface SummaryDocument {
  [key: string]: unknown;
  orders: number;
  revenue: Record<string, number>;
  lastPurchaseAt: string;
  lastOrderId: string;
}

export const EMMETT_PONGO_COLLECTION = 'emmett_customer_summary_docs';
export const EMMETT_SQL_TABLE = 'public.emmett_customer_summary';

/** The summary as Emmett's documentation writes read models: a Pongo document per customer. */
const pongoSummary = pongoMultiStreamProjection<SummaryDocument, Purchase>({
  collectionName: EMMETT_PONGO_COLLECTION,
  canHandle: ['PurchaseCompleted'],
  getDocumentId: (event) => event.metadata.streamName,
  initialState: () => ({ orders: 0, revenue: {}, lastPurchaseAt: '', lastOrderId: '' }),
  evolve: (document: SummaryDocument, event: ReadEvent<Purchase, PostgresReadEventMetadata>) => {
    const p = figuresOf(event.metadata.streamName, event.data, event.metadata.occurredAt);
    const later = p.occurredAt >= document.lastPurchaseAt;
    return {
      ...document,
      orders: document.orders + 1,
      revenue: { ...document.revenue, [p.currency]: (document.revenue[p.currency] ?? 0) + p.total },
      lastPurchaseAt: later ? p.occurredAt : document.lastPurchaseAt,
      lastOrderId: later ? p.orderId : document.lastOrderId,
    };
  },
});

/** The same summary table and upsert journey's fold writes, one event at a time (how Emmett's projector calls it). */
const sqlSummary = postgreSQLRawSQLProjection<Purchase>({
  name: 'emmett_customer_summary',
  canHandle: ['PurchaseCompleted'],
  init: () => sql(summaryTableSql(EMMETT_SQL_TABLE)),
  evolve: (event) => {
    const read = event as ReadEvent<Purchase>;
    const deltas = summaryDeltas([figuresOf(read.metadata.streamName, read.data, read.metadata.occurredAt)]);
    return sql(summaryUpsertSql(EMMETT_SQL_TABLE, '%L::jsonb'), deltas);
  },
});

export type EmmettProjection = 'pongo' | 'sql';

/**
 * Catches the summary up over the whole store with `rebuildPostgreSQLProjections` (a consumer that
 * stops once no message is left), under a fresh processor id so it starts from the beginning. Its
 * pulling is set to journey's batch of 1,000 with no pause between full batches (Emmett's defaults,
 * 100 and 50 ms, would cap it at 2,000 events/s). Returns the seconds it took.
 */
export async function emmettCatchUp(url: string, kind: EmmettProjection, processorId: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP TABLE IF EXISTS ${kind === 'pongo' ? `public.${EMMETT_PONGO_COLLECTION}` : EMMETT_SQL_TABLE}`);
  await client.end();
  const projection = (kind === 'pongo' ? pongoSummary : sqlSummary) as unknown as PostgreSQLProjectionDefinition<Purchase>;
  const started = performance.now();
  const consumer = rebuildPostgreSQLProjections<Purchase>({
    connectionString: url,
    pulling: { batchSize: 1000, pullingFrequencyInMs: 0 },
    projections: [{ projection, processorId, truncateOnStart: true }],
  });
  try {
    await consumer.start();
    return (performance.now() - started) / 1000;
  } finally {
    await consumer.close();
  }
}
