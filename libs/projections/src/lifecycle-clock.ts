import { CUSTOMER_STREAM_PREFIX } from '@journey/contracts';
import { advanceTo, type LifecycleThresholds } from '@journey/domain';
import type { EventStore } from '@journey/event-store';
import type { Queryable } from '@journey/database';
import { fromRow, LIVE_TABLES } from './customer-360.table';
import { stageChangedEvent } from './derived-events';

export interface ClockReport {
  readonly reviewed: number;
  readonly appended: number;
}

/**
 * Time-caused lifecycle changes (at risk, churned, no longer loyal): customers whose
 * `next_review_at` has passed get their due transitions appended as LifecycleStageChanged. The
 * clock writes no read model; the projector folds those events like any other. Their ids depend
 * only on the customer and the transition, so a second clock, a restart, or the projector
 * deriving the same transition from a later event never stores one twice.
 */
export async function reviewLifecycles(
  db: Queryable,
  store: EventStore,
  thresholds: LifecycleThresholds,
  now: Date,
  options: {
    readonly batchSize?: number;
    /** Whether this process reviews the customer (the partitions it holds); all when absent. */
    readonly owns?: (customerId: string) => boolean;
  } = {},
): Promise<ClockReport> {
  const batchSize = options.batchSize ?? 500;
  let reviewed = 0;
  let appended = 0;
  let after = '';
  for (;;) {
    const { rows } = await db.query<Record<string, unknown>>(
      `SELECT * FROM ${LIVE_TABLES.customers}
       WHERE next_review_at <= $1 AND customer_id > $2
       ORDER BY customer_id LIMIT $3`,
      [now.toISOString(), after, batchSize],
    );
    if (rows.length === 0) break;
    const requests = [];
    const owns = options.owns;
    const mine = owns ? rows.filter((row) => owns(String(row.customer_id))) : rows;
    for (const row of mine) {
      const customer = fromRow(row as Parameters<typeof fromRow>[0]);
      const { transitions } = advanceTo(customer.lifecycle, now.getTime(), thresholds);
      if (transitions.length === 0) continue;
      requests.push({
        streamId: CUSTOMER_STREAM_PREFIX + customer.customerId,
        events: transitions.map((transition) => stageChangedEvent(customer.customerId, transition)),
      });
    }
    reviewed += mine.length;
    // One customer per call: one customer's stream refusing must not hold back the others.
    const results = await Promise.all(requests.map((request) => store.appendMany([request])));
    for (const result of results) appended += result.outcomes.filter((o) => o.status === 'appended').length;
    after = String(rows[rows.length - 1]!.customer_id);
    if (rows.length < batchSize) break;
  }
  return { reviewed, appended };
}
