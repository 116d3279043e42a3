import { CHECKPOINTS_OF, cursorOf, isBefore, START_CURSOR, type EventStore, type GlobalCursor, type UnitOfWork } from '@journey/event-store';
import { type Database, type Queryable } from '@journey/database';
import type { LifecycleThresholds } from '@journey/domain';
import { LIVE_TABLES, SHADOW_TABLES, type ProjectionTables } from './customer-360.table';
import { projectBatch } from './customer-projection';
import { CUSTOMER_PROJECTION } from './projector';
import { SegmentStore } from './segments/segment-store';

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
export async function rebuildCustomerProjection(db: Database, store: EventStore<Queryable>, options: RebuildOptions): Promise<RebuildReport> {
  const started = performance.now();
  const laterIndexes = await createTables(db, SHADOW_TABLES);
  const build = new ShadowBuild(store, SHADOW_TABLES, options);

  // Most of the history, one transaction per batch, while the live projection carries on; the
  // indexes the folding does not read are built once it is in, rather than kept up row by row.
  await build.catchUp((work) => store.unitOfWork(work));
  if (laterIndexes.length > 0) await db.exec(laterIndexes.join(';\n'));

  // The rest, and the swap, with the live tables locked: readers wait a moment, never see a half-built model.
  await store.unitOfWork(async (unit) => {
    const tx = unit.state;
    await tx.query(`LOCK TABLE ${LIVE_TABLES.customers}, ${LIVE_TABLES.visitors} IN ACCESS EXCLUSIVE MODE`);
    await tx.query(
      `INSERT INTO journey.checkpoints (name) SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM journey.checkpoints WHERE ${CHECKPOINTS_OF})
       ON CONFLICT (name) DO NOTHING`,
      [CUSTOMER_PROJECTION],
    );
    // Every partition's checkpoint too: the live processes wait, then find them moved.
    await tx.query(`SELECT 1 FROM journey.checkpoints WHERE ${CHECKPOINTS_OF} ORDER BY name FOR UPDATE`, [CUSTOMER_PROJECTION]);
    await build.catchUp((work) => work(unit));
    await tx.exec(
      `ALTER TABLE ${LIVE_TABLES.customers} RENAME TO customer_360_replaced;
       ALTER TABLE ${LIVE_TABLES.visitors} RENAME TO visitor_activity_replaced;
       ALTER TABLE ${SHADOW_TABLES.customers} RENAME TO customer_360;
       ALTER TABLE ${SHADOW_TABLES.visitors} RENAME TO visitor_activity;
       DROP TABLE journey.customer_360_replaced;
       DROP TABLE journey.visitor_activity_replaced;`,
    );
    // The swapped-in table has no triggers yet: count it afresh and put them on it.
    await tx.query('SELECT journey.reset_customer_counts()');
    await reviewAfterRebuild(tx);
    await tx.query(`UPDATE journey.checkpoints SET tx_id = $2::text::xid8, position = $3, updated_at = now() WHERE ${CHECKPOINTS_OF}`, [
      CUSTOMER_PROJECTION,
      String(build.cursor.commit),
      build.cursor.position,
    ]);
  });
  return { events: build.events, seconds: (performance.now() - started) / 1000, position: build.cursor };
}

/**
 * A rebuild folds the memberships the log records but judges no segment, so it cannot know when
 * time alone moves one next ("no purchase in 30 days"): with segments defined, every customer is
 * due for the segment clock now, which judges them and sets their next review instant.
 */
async function reviewAfterRebuild(tx: Queryable): Promise<void> {
  if ((await SegmentStore.live(tx)).length === 0) return;
  await tx.query(`UPDATE ${LIVE_TABLES.customers} SET segment_review_at = now() WHERE segment_review_at IS NULL`);
}

/**
 * Fresh, empty tables shaped like the live ones, with their keys but without their other indexes
 * (folding looks rows up by key only): returns the statements that create those indexes.
 */
export async function createTables(db: Queryable, tables: ProjectionTables): Promise<string[]> {
  await db.exec(
    `DROP TABLE IF EXISTS ${tables.customers}; DROP TABLE IF EXISTS ${tables.visitors};
     CREATE TABLE ${tables.customers} (LIKE ${LIVE_TABLES.customers} INCLUDING ALL);
     CREATE TABLE ${tables.visitors} (LIKE ${LIVE_TABLES.visitors} INCLUDING ALL);`,
  );
  // LIKE copies no storage parameters: the fillfactor that leaves room for HOT updates is set again.
  const options = await db.query<{ live: string; options: string[] | null }>(
    `SELECT c.oid::regclass::text AS live, c.reloptions AS options FROM pg_class c WHERE c.oid IN ($1::regclass, $2::regclass)`,
    [LIVE_TABLES.customers, LIVE_TABLES.visitors],
  );
  for (const row of options.rows) {
    if (!row.options || row.options.length === 0) continue;
    const shadow = row.live.endsWith('customer_360') ? tables.customers : tables.visitors;
    await db.exec(`ALTER TABLE ${shadow} SET (${row.options.join(', ')})`);
  }
  const { rows } = await db.query<{ name: string; definition: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i WHERE i.indrelid IN ($1::regclass, $2::regclass) AND NOT i.indisunique`,
    [tables.customers, tables.visitors],
  );
  if (rows.length > 0) await db.exec(rows.map((row) => `DROP INDEX ${row.name}`).join(';\n'));
  return rows.map((row) => row.definition);
}

/** The customer projection folded from the start of the log into other tables, batch by batch. */
export class ShadowBuild {
  cursor: GlobalCursor = START_CURSOR;
  events = 0;

  constructor(
    private readonly store: EventStore<Queryable>,
    private readonly tables: ProjectionTables,
    private readonly options: RebuildOptions,
  ) {}

  /**
   * Folds batches until nothing is left below the horizon, or (with `until`) up to and including
   * that position of the log. Derived events are never appended: this only reads the history.
   */
  async catchUp(inUnit: <T>(work: (unit: UnitOfWork<Queryable>) => Promise<T>) => Promise<T>, until?: GlobalCursor): Promise<void> {
    const context = { tables: this.tables, lifecycle: this.options.lifecycle };
    for (;;) {
      const { folded, whole } = await inUnit(async (unit) => {
        const batch = await unit.readAll(this.cursor, this.options.batchSize);
        const events = until ? batch.events.filter((e) => !isBefore(until, cursorOf(e))) : batch.events;
        if (events.length === 0) return { folded: 0, whole: false };
        await projectBatch(events, unit, context);
        const all = events.length === batch.events.length;
        this.cursor = all ? batch.next : cursorOf(events[events.length - 1]!);
        return { folded: events.length, whole: all };
      });
      if (folded === 0) return;
      this.events += folded;
      this.options.onProgress?.(this.events);
      if (!whole) return;
    }
  }
}
