import type { Queryable } from '@journey/database';

/**
 * Folds the changes appended to journey.customer_counts into one row per group, so that reading
 * the counts stays a sum over a few hundred rows; answers how many rows it folded.
 */
export async function compactCustomerCounts(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ folded: number }>('SELECT journey.compact_customer_counts() AS folded');
  return Number(rows[0]?.folded ?? 0);
}
