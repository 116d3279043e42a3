import { decideMemberships, type Customer360, type CustomerPredictions, type SegmentChange, type SegmentDefinition } from '@journey/domain';
import type { EventStore } from '@journey/event-store';
import type { Queryable } from '@journey/database';
import { fromRow, LIVE_TABLES } from '../customer-360.table';
import { segmentPredictions } from './segment-predictions';
import { SegmentStore } from './segment-store';
import { membershipRequests, recordDaily, saveMemberships } from './segment-writer';

export interface SegmentClockReport {
  readonly reviewed: number;
  readonly changes: number;
}

/** How many reviews of one customer a tick makes at most (a clock far behind catches up over ticks). */
const MAX_STEPS = 400;

/**
 * Memberships that time alone changes ("no MessageOpened in 30 days"): customers whose segment
 * review instant has passed are judged again at that instant, then at the next, until it lies
 * after `now`. Each chunk is one unit of work holding the customers' rows (skipping those a pass
 * holds), so the pass and the clock never decide on one customer at once; the changes, named by
 * the review instant, are appended once the unit commits and their ids derive from the change's number.
 */
export async function reviewSegments(store: EventStore<Queryable>, now: Date, batchSize = 500): Promise<SegmentClockReport> {
  let reviewed = 0;
  let changes = 0;
  for (;;) {
    const done = await store.unitOfWork(async (unit) => {
      const { rows } = await unit.state.query<Record<string, unknown>>(
        `SELECT * FROM ${LIVE_TABLES.customers} WHERE segment_review_at <= $1 ORDER BY customer_id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now.toISOString(), batchSize],
      );
      if (rows.length === 0) return { rows: 0, changes: 0 };
      const segments = await SegmentStore.live(unit.state);
      const decided: SegmentChange[] = [];
      const predictions = await segmentPredictions(unit.state, segments, rows.map((row) => String(row.customer_id)));
      const customers = rows.map((row) => {
        const customer = fromRow(row as Parameters<typeof fromRow>[0]);
        return review(customer, segments, now.getTime(), decided, predictions.get(customer.customerId) ?? null);
      });
      await saveMemberships(unit.state, customers);
      await recordDaily(unit.state, decided);
      if (decided.length > 0) await unit.appendAfterCommit(membershipRequests(decided));
      return { rows: rows.length, changes: decided.length };
    });
    reviewed += done.rows;
    changes += done.changes;
    if (done.rows < batchSize) break;
  }
  return { reviewed, changes };
}

function review(customer: Customer360, segments: readonly SegmentDefinition[], now: number, decided: SegmentChange[], predictions: CustomerPredictions | null): Customer360 {
  let state = customer;
  for (let step = 0; step < MAX_STEPS && state.segmentReviewAt !== null; step++) {
    const at = Date.parse(state.segmentReviewAt);
    if (at > now) break;
    const decision = decideMemberships(state, segments, at, { kind: 'tick', at: state.segmentReviewAt }, undefined, { predictions });
    decided.push(...decision.changes);
    state = decision.state.segmentReviewAt === state.segmentReviewAt ? { ...decision.state, segmentReviewAt: null } : decision.state;
  }
  return state;
}
