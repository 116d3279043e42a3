import { CHECKPOINTS_OF, START_CURSOR, type EventStore, type GlobalCursor, type UnitOfWork } from '@journey/event-store';
import type { Database, Queryable } from '@journey/database';
import { CUSTOMER_ITEMS_PROJECTION, projectCustomerItems } from './customer-items.projection';
import { LIVE_ITEM_TABLES, SHADOW_ITEM_TABLES } from './item-tables';
import type { RebuildReport } from './rebuild';

export interface ItemsRebuildOptions {
  readonly batchSize: number;
  readonly onProgress?: (events: number) => void;
}

const TABLES = ['items', 'pairs', 'stats'] as const;

/**
 * Rebuilds what the customer-items subscription keeps (journey.customer_items, item_pairs,
 * item_stats) from the whole log into shadow tables, with the same fold, while the live ones go
 * on; then, in one transaction with the live tables locked, catches up, swaps them in and moves
 * the subscription's checkpoint. Top fives are not written: the live fold refreshes a buyer's at
 * their next purchase, the scheduled run everyone's.
 */
export async function rebuildCustomerItems(db: Database, store: EventStore<Queryable>, options: ItemsRebuildOptions): Promise<RebuildReport> {
  const started = performance.now();
  await db.exec(
    TABLES.map((t) => `DROP TABLE IF EXISTS ${SHADOW_ITEM_TABLES[t]}; CREATE TABLE ${SHADOW_ITEM_TABLES[t]} (LIKE ${LIVE_ITEM_TABLES[t]} INCLUDING ALL);`).join('\n'),
  );
  let cursor: GlobalCursor = START_CURSOR;
  let events = 0;
  const catchUp = async (inUnit: <T>(work: (unit: UnitOfWork<Queryable>) => Promise<T>) => Promise<T>): Promise<void> => {
    for (;;) {
      const folded = await inUnit(async (unit) => {
        const batch = await unit.readAll(cursor, options.batchSize);
        if (batch.events.length === 0) return 0;
        await projectCustomerItems(batch.events, unit.state, { tables: SHADOW_ITEM_TABLES });
        cursor = batch.next;
        return batch.events.length;
      });
      if (folded === 0) return;
      events += folded;
      options.onProgress?.(events);
    }
  };
  await catchUp((work) => store.unitOfWork(work));

  await store.unitOfWork(async (unit) => {
    const tx = unit.state;
    await tx.query(`LOCK TABLE ${TABLES.map((t) => LIVE_ITEM_TABLES[t]).join(', ')} IN ACCESS EXCLUSIVE MODE`);
    await tx.query(
      `INSERT INTO journey.checkpoints (name) SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM journey.checkpoints WHERE ${CHECKPOINTS_OF})
       ON CONFLICT (name) DO NOTHING`,
      [CUSTOMER_ITEMS_PROJECTION],
    );
    await tx.query(`SELECT 1 FROM journey.checkpoints WHERE ${CHECKPOINTS_OF} ORDER BY name FOR UPDATE`, [CUSTOMER_ITEMS_PROJECTION]);
    await catchUp((work) => work(unit));
    const name = (table: string): string => table.slice(table.indexOf('.') + 1);
    await tx.exec(
      TABLES.map(
        (t) =>
          `ALTER TABLE ${LIVE_ITEM_TABLES[t]} RENAME TO ${name(LIVE_ITEM_TABLES[t])}_replaced;
           ALTER TABLE ${SHADOW_ITEM_TABLES[t]} RENAME TO ${name(LIVE_ITEM_TABLES[t])};
           DROP TABLE ${LIVE_ITEM_TABLES[t]}_replaced;`,
      ).join('\n'),
    );
    await tx.query(`UPDATE journey.checkpoints SET tx_id = $2::text::xid8, position = $3, updated_at = now() WHERE ${CHECKPOINTS_OF}`, [
      CUSTOMER_ITEMS_PROJECTION,
      String(cursor.commit),
      cursor.position,
    ]);
  });
  return { events, seconds: (performance.now() - started) / 1000, position: cursor };
}
