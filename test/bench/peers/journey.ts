/** journey's side of the peer benchmark: its library's append, and a summary fold through a subscription. */
import { PostgresEventStore } from '@journey/event-store/postgres';
import { PgDatabase } from '@journey/database';
import { freshJourneySchema } from '../bench-support';
import { closedLoop, figuresOf, inParallel, summaryDeltas, summaryTableSql, summaryUpsertSql, type AppendShape, type HistoryCall } from './workload';

/** The same pool size the peers get (pg's default, 10), as in `npm run bench:append`. */
const POOL_SIZE = 10;

/** `PostgresEventStore.append` from `shape.callers` callers at once, on an empty store. */
export async function journeyAppend(url: string, shape: AppendShape, seconds: number): Promise<number> {
  await freshJourneySchema(url);
  const db = new PgDatabase({ url, poolSize: POOL_SIZE, applicationName: 'journey-bench-peers' });
  const store = new PostgresEventStore(db);
  try {
    return await closedLoop(shape, seconds, async (stream, events) => {
      await store.append(stream, events);
    });
  } finally {
    await store.close();
    await db.close();
  }
}

/** Writes the history to an empty journey store, in its order (one caller) or by `callers` at once. */
export async function writeJourneyHistory(url: string, calls: readonly HistoryCall[], callers = 1): Promise<void> {
  await freshJourneySchema(url);
  const db = new PgDatabase({ url, poolSize: POOL_SIZE });
  const store = new PostgresEventStore(db);
  await inParallel(calls, callers, async (call) => {
    await store.append(call.stream, call.events);
  });
  await store.close();
  await db.close();
}

export const JOURNEY_SUMMARY_TABLE = 'public.journey_customer_summary';

/**
 * Catches a customer summary up over the whole store through `store.subscribe`: each batch (1,000
 * events, journey's default) is folded into one upsert made in the batch's transaction, where the
 * subscription then moves its checkpoint. Returns the seconds it took.
 */
export async function journeyCatchUp(url: string, name: string): Promise<number> {
  const db = new PgDatabase({ url, poolSize: POOL_SIZE });
  await db.query(`DROP TABLE IF EXISTS ${JOURNEY_SUMMARY_TABLE}`);
  await db.query(summaryTableSql(JOURNEY_SUMMARY_TABLE));
  await db.query('DELETE FROM journey.checkpoints WHERE name = $1', [name]);
  const store = new PostgresEventStore(db);
  const upsert = summaryUpsertSql(JOURNEY_SUMMARY_TABLE, '$1::jsonb');
  let fail: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  const started = performance.now();
  const subscription = store.subscribe(
    name,
    async (events, unit) => {
      const purchases = events.filter((event) => event.type === 'PurchaseCompleted');
      if (purchases.length === 0) return;
      await unit.state.query(upsert, [summaryDeltas(purchases.map((event) => figuresOf(event.streamId, event.data, event.occurredAt)))]);
    },
    { batchSize: 1000, onError: (error) => fail(error) },
  );
  try {
    await Promise.race([subscription.caughtUp(), failed]);
    return (performance.now() - started) / 1000;
  } finally {
    await subscription.stop();
    await store.close();
    await db.close();
  }
}
