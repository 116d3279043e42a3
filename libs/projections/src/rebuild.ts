import { START_CURSOR, type Database, type GlobalCursor, type PostgresEventStore, type Queryable } from '@journey/event-store';
import type { LifecycleThresholds } from '@journey/domain';
import { LIVE_TABLES, SHADOW_TABLES } from './customer-360.table';
import { projectBatch } from './customer-projection';
import { CUSTOMER_PROJECTION } from './projector';

export interface RebuildReport {
  readonly events: number;
  readonly seconds: number;
  readonly position: GlobalCursor;
}

export interface RebuildOptions {
  readonly lifecycle: LifecycleThresholds;
  readonly batchSize: number;
  readonly onProgress?: (events: number) => void;
}

/**
 * Rebuilds the customer projection from the whole log into shadow tables while the live ones go
 * on serving reads and being updated, then, in one transaction, catches up with the log, swaps
 * the shadow tables in and moves the live checkpoint. Derived events are not appended again: a
 * rebuild only reads the history.
 */
export async function rebuildCustomerProjection(db: Database, store: PostgresEventStore, options: RebuildOptions): Promise<RebuildReport> {
  const started = performance.now();
  await db.exec(
    `DROP TABLE IF EXISTS ${SHADOW_TABLES.customers}; DROP TABLE IF EXISTS ${SHADOW_TABLES.visitors};
     CREATE TABLE ${SHADOW_TABLES.customers} (LIKE ${LIVE_TABLES.customers} INCLUDING ALL);
     CREATE TABLE ${SHADOW_TABLES.visitors} (LIKE ${LIVE_TABLES.visitors} INCLUDING ALL);`,
  );
  const context = { tables: SHADOW_TABLES, lifecycle: options.lifecycle };
  let cursor: GlobalCursor = START_CURSOR;
  let events = 0;
  /** Folds batches into the shadow tables until nothing is left below the horizon. */
  const catchUp = async (reader: Queryable, transaction: <T>(work: (tx: Queryable) => Promise<T>) => Promise<T>) => {
    for (;;) {
      const batch = await store.readAllWithin(reader, cursor, options.batchSize);
      if (batch.events.length === 0) return;
      await transaction((tx) => projectBatch(batch.events, tx, context));
      cursor = batch.next;
      events += batch.events.length;
      options.onProgress?.(events);
    }
  };

  // Most of the history, one transaction per batch, while the live projection carries on.
  await catchUp(db, (work) => db.transaction(work));

  // The rest, and the swap, with the live tables locked: readers wait a moment, never see a half-built model.
  await db.transaction(async (tx) => {
    await tx.query(`LOCK TABLE ${LIVE_TABLES.customers}, ${LIVE_TABLES.visitors} IN ACCESS EXCLUSIVE MODE`);
    await tx.query('INSERT INTO journey.checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [CUSTOMER_PROJECTION]);
    await tx.query('SELECT 1 FROM journey.checkpoints WHERE name = $1 FOR UPDATE', [CUSTOMER_PROJECTION]);
    await catchUp(tx, (work) => work(tx));
    await tx.exec(
      `ALTER TABLE ${LIVE_TABLES.customers} RENAME TO customer_360_replaced;
       ALTER TABLE ${LIVE_TABLES.visitors} RENAME TO visitor_activity_replaced;
       ALTER TABLE ${SHADOW_TABLES.customers} RENAME TO customer_360;
       ALTER TABLE ${SHADOW_TABLES.visitors} RENAME TO visitor_activity;
       DROP TABLE journey.customer_360_replaced;
       DROP TABLE journey.visitor_activity_replaced;`,
    );
    await tx.query('UPDATE journey.checkpoints SET tx_id = $2::text::xid8, position = $3, updated_at = now() WHERE name = $1', [
      CUSTOMER_PROJECTION,
      String(cursor.txId),
      cursor.position,
    ]);
  });
  return { events, seconds: (performance.now() - started) / 1000, position: cursor };
}
