import { CUSTOMER_STREAM_PREFIX } from '@journey/contracts';
import { derivedEvent, memberOf, type Customer360, type DerivedEvent, type SegmentChange } from '@journey/domain';
import type { AppendRequest } from '@journey/event-store';
import type { Queryable } from '@journey/database';
import { LIVE_TABLES } from '../customer-360.table';

/**
 * A membership change as an event. Its id comes from the customer, the segment and the change's
 * number only, so whoever decides it again (the pass run again after a crash, the clock and a
 * backfill meeting on one customer) finds it stored.
 */
export function membershipEvent(change: SegmentChange): DerivedEvent<'SegmentEntered' | 'SegmentExited'> {
  const type = change.entered ? 'SegmentEntered' : 'SegmentExited';
  const { cause } = change;
  return derivedEvent(type, {
    customerId: change.customerId,
    cause: [change.customerId, 'Segment', change.segmentId, change.change],
    occurredAt: change.at,
    data: {
      segmentId: change.segmentId,
      segmentVersion: change.version,
      change: change.change,
      backfill: cause.kind === 'backfill',
      ...(cause.kind === 'event' ? { causeEventId: cause.eventId } : cause.kind === 'tick' ? { causeTick: cause.at } : { backfillJobId: cause.jobId }),
    },
    metadata: cause.kind === 'event' ? { causationId: cause.eventId } : {},
  });
}

/** The changes as append requests, one per customer stream, in the order decided. */
export function membershipRequests(changes: readonly SegmentChange[]): AppendRequest[] {
  const byStream = new Map<string, AppendRequest['events'][number][]>();
  for (const change of changes) {
    const streamId = CUSTOMER_STREAM_PREFIX + change.customerId;
    const list = byStream.get(streamId) ?? [];
    list.push(membershipEvent(change));
    byStream.set(streamId, list);
  }
  return [...byStream].map(([streamId, events]) => ({ streamId, events }));
}

/** Adds the changes to the per-day entries and exits, in the transaction that records them. */
export async function recordDaily(tx: Queryable, changes: readonly SegmentChange[]): Promise<void> {
  if (changes.length === 0) return;
  const counts = new Map<string, { segment_id: string; day: string; entered: number; exited: number }>();
  for (const change of changes) {
    const day = change.at.slice(0, 10);
    const key = `${change.segmentId}|${day}`;
    const row = counts.get(key) ?? { segment_id: change.segmentId, day, entered: 0, exited: 0 };
    if (change.entered) row.entered += 1;
    else row.exited += 1;
    counts.set(key, row);
  }
  await tx.query(
    `INSERT INTO journey.segment_daily (segment_id, day, entered, exited)
     SELECT segment_id, day, entered, exited FROM json_to_recordset($1::json) AS x(segment_id text, day date, entered integer, exited integer)
     ORDER BY segment_id, day
     ON CONFLICT (segment_id, day) DO UPDATE SET entered = journey.segment_daily.entered + EXCLUDED.entered, exited = journey.segment_daily.exited + EXCLUDED.exited`,
    [JSON.stringify([...counts.values()])],
  );
}

/**
 * Writes the membership columns of customers whose other fields the judgement left alone (a
 * backfill, the clock): their memberships, the instant judged and the next review instant.
 */
export async function saveMemberships(tx: Queryable, customers: readonly Customer360[]): Promise<void> {
  if (customers.length === 0) return;
  const rows = customers.map((customer) => ({
    customer_id: customer.customerId,
    segments: customer.segments,
    member_of: memberOf(customer.segments),
    segment_review_at: customer.segmentReviewAt,
    segments_at: customer.segmentsAt,
  }));
  await tx.query(
    `UPDATE ${LIVE_TABLES.customers} AS t
     SET segments = x.segments, member_of = x.member_of, segment_review_at = x.segment_review_at, segments_at = x.segments_at
     FROM json_to_recordset($1::json) AS x(customer_id text, segments jsonb, member_of text[], segment_review_at timestamptz, segments_at timestamptz)
     WHERE t.customer_id = x.customer_id`,
    [JSON.stringify(rows)],
  );
}
