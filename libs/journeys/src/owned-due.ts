import type { Queryable } from '@journey/database';

/** Whether this process handles the customer (the partitions its saga holds). */
export type Owns = (customerId: string) => boolean;

/** A table of due rows: its name, id column (a uuid), instant column and the test of a due row (with `$1`, the instant now). */
export interface DueTable {
  readonly table: string;
  readonly id: string;
  readonly at: string;
  readonly due: string;
}

/** Due rows read in the first page, per row wanted; each next page is twice as long, up to MAX_PAGE. */
const PAGE_PER_ROW = 8;
const MAX_PAGE = 10_000;

/**
 * The ids of up to `limit` due rows of the customers this process holds, oldest first. The
 * partition is a hash the database does not know, so due rows are read in keyset pages (on the
 * instant, kept as text to its microsecond, then the id) and kept when owned, until `limit` are
 * found or no due row is left: a backlog of customers other processes hold never hides this
 * process's own. The caller claims the ids under their row locks, testing again that each is due.
 */
export async function ownedDueIds(q: Queryable, source: DueTable, now: string, owns: Owns, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let page = Math.min(limit * PAGE_PER_ROW, MAX_PAGE);
  let after: { at: string; id: string } | undefined;
  for (; ids.length < limit; page = Math.min(page * 2, MAX_PAGE)) {
    const { rows } = await q.query<{ id: string; customer_id: string; at: string }>(
      `SELECT ${source.id} AS id, customer_id, ${source.at}::text AS at FROM ${source.table}
       WHERE ${source.due} ${after ? `AND (${source.at}, ${source.id}) > ($3::timestamptz, $4::uuid)` : ''}
       ORDER BY ${source.at}, ${source.id} LIMIT $2`,
      after ? [now, page, after.at, after.id] : [now, page],
    );
    for (const row of rows) if (ids.length < limit && owns(row.customer_id)) ids.push(row.id);
    if (rows.length < page) break;
    const last = rows[rows.length - 1]!;
    after = { at: last.at, id: last.id };
  }
  return ids;
}
