import { setTimeout as delay } from 'node:timers/promises';

/*
 * Paging in commit order, for tables whose rows carry `tx_id xid8 DEFAULT pg_current_xact_id()`
 * beside an identity `id`. An id is taken at insert and becomes visible at commit, so a reader
 * paging by id alone passes a lower id that commits after it. Ordered by `(tx_id, id)` and kept
 * below the oldest transaction in flight (as the event log is read), a row that commits later
 * sorts after every row listed before it.
 */

/** The ORDER BY of commit order. */
export const COMMIT_ORDER = 'tx_id, id';

/** A column saying whether the row's transaction is below every transaction still in flight. */
export const BELOW_HORIZON = 'tx_id < pg_snapshot_xmin(pg_current_snapshot()) AS below_horizon';

/**
 * The rows after a cursor, in commit order. The cursor stays the `id` of the last row listed, so
 * clients keep an integer cursor: its place in that order is looked up (an id no row has stands
 * where the nearest lower id does; 0 is the start).
 *
 * @param table the table, schema-qualified
 * @param cursor the SQL of the cursor, e.g. `$1`
 */
export function afterInCommitOrder(table: string, cursor: string): string {
  return `(tx_id, id) > (coalesce((SELECT c.tx_id FROM ${table} c WHERE c.id <= ${cursor}::bigint ORDER BY c.id DESC LIMIT 1), '0'::xid8), ${cursor}::bigint)`;
}

/**
 * Runs `read` (rows after a cursor in commit order, with `BELOW_HORIZON`) and keeps the rows below
 * the horizon. While committed rows wait above it for an older transaction, reads again, up to
 * `waitMs`: transactions are short, and a reader then sees what was committed before it asked.
 */
export async function belowHorizon<R extends { readonly below_horizon: boolean }>(read: () => Promise<readonly R[]>, waitMs = 1000, pollMs = 20): Promise<R[]> {
  const deadline = performance.now() + waitMs;
  for (;;) {
    const rows = await read();
    const above = rows.findIndex((row) => !row.below_horizon);
    if (above === -1) return [...rows];
    if (performance.now() >= deadline) return rows.slice(0, above);
    await delay(pollMs);
  }
}
