import { CUSTOMER_STREAM_PREFIX } from '@journey/contracts';
import { derivedEvent, type DerivedEvent, type SegmentChange } from '@journey/domain';
import type { AppendRequest } from '@journey/event-store';
import type { Queryable } from '@journey/database';

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
