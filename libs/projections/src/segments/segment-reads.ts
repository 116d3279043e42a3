import { decideMemberships, type SegmentDefinition } from '@journey/domain';
import type { Queryable } from '@journey/database';
import { fromRow, LIVE_TABLES } from '../customer-360.table';

export interface SegmentMember {
  readonly customerId: string;
  readonly since: string;
  readonly version: number;
  readonly backfill: boolean;
  readonly stage: string;
  readonly tier: string | null;
  readonly country: string | null;
}

/** How many customers are in each segment now. */
export async function segmentSizes(db: Queryable, ids?: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ id: string; size: string | number }>(
    ids === undefined
      ? `SELECT id, count(*) AS size FROM ${LIVE_TABLES.customers}, unnest(member_of) AS id GROUP BY id`
      : `SELECT id, (SELECT count(*) FROM ${LIVE_TABLES.customers} WHERE member_of @> ARRAY[id]) AS size FROM unnest($1::text[]) AS id`,
    ids === undefined ? [] : [ids],
  );
  return new Map(rows.map((row) => [row.id, Number(row.size)]));
}

/** A page of a segment's members in customer id order, after the cursor (keyset). */
export async function segmentMembers(db: Queryable, segmentId: string, after: string, limit: number): Promise<SegmentMember[]> {
  const { rows } = await db.query<{ customer_id: string; membership: { since: string; version: number; backfill: boolean }; stage: string; tier: string | null; country: string | null }>(
    `SELECT customer_id, segments->$1 AS membership, stage, tier, country FROM ${LIVE_TABLES.customers}
     WHERE member_of @> ARRAY[$1]::text[] AND customer_id > $2 ORDER BY customer_id LIMIT $3`,
    [segmentId, after, limit],
  );
  return rows.map((row) => ({
    customerId: row.customer_id,
    since: row.membership.since,
    version: row.membership.version,
    backfill: row.membership.backfill,
    stage: row.stage,
    tier: row.tier,
    country: row.country,
  }));
}

export interface SegmentDay {
  readonly day: string;
  readonly entered: number;
  readonly exited: number;
  /** Members at the end of the day. */
  readonly size: number;
}

/** Entries, exits and the size at the end of each day from `from` to `to` (UTC dates, inclusive). */
export async function segmentHistory(db: Queryable, segmentId: string, from: string, to: string): Promise<SegmentDay[]> {
  const { rows } = await db.query<{ day: string; entered: string | number; exited: string | number; size: string | number }>(
    `WITH days AS (SELECT generate_series($2::date, $3::date, interval '1 day')::date AS day),
          base AS (SELECT coalesce(sum(entered - exited), 0) AS size FROM journey.segment_daily WHERE segment_id = $1 AND day < $2::date)
     SELECT to_char(d.day, 'YYYY-MM-DD') AS day, coalesce(s.entered, 0) AS entered, coalesce(s.exited, 0) AS exited,
            (SELECT size FROM base) + sum(coalesce(s.entered, 0) - coalesce(s.exited, 0)) OVER (ORDER BY d.day) AS size
     FROM days d LEFT JOIN journey.segment_daily s ON s.segment_id = $1 AND s.day = d.day ORDER BY d.day`,
    [segmentId, from, to],
  );
  return rows.map((row) => ({ day: row.day, entered: Number(row.entered), exited: Number(row.exited), size: Number(row.size) }));
}

/** Entries and exits of each segment over a period of UTC days (inclusive). */
export async function segmentFlows(db: Queryable, from: string, to: string): Promise<Array<{ segmentId: string; entered: number; exited: number }>> {
  const { rows } = await db.query<{ segment_id: string; entered: string | number; exited: string | number }>(
    `SELECT segment_id, sum(entered) AS entered, sum(exited) AS exited FROM journey.segment_daily
     WHERE day BETWEEN $1::date AND $2::date GROUP BY segment_id ORDER BY segment_id`,
    [from, to],
  );
  return rows.map((row) => ({ segmentId: row.segment_id, entered: Number(row.entered), exited: Number(row.exited) }));
}

/** How many customers a definition would hold now, and the first few of them, without saving it. */
export async function previewSegment(
  db: Queryable,
  segment: SegmentDefinition,
  others: readonly SegmentDefinition[],
  now: Date,
  sampleSize = 20,
): Promise<{ count: number; scanned: number; sample: string[] }> {
  let after = '';
  let count = 0;
  let scanned = 0;
  const sample: string[] = [];
  const judged = [...others.filter((other) => other.id !== segment.id), segment];
  for (;;) {
    const { rows } = await db.query<Record<string, unknown>>(`SELECT * FROM ${LIVE_TABLES.customers} WHERE customer_id > $1 ORDER BY customer_id LIMIT 2000`, [after]);
    for (const row of rows) {
      const customer = fromRow(row as Parameters<typeof fromRow>[0]);
      const { state } = decideMemberships({ ...customer, segments: { ...customer.segments, [segment.id]: { member: false, change: 0, version: 0, since: '', backfill: false } } }, judged, now.getTime(), { kind: 'tick', at: now.toISOString() }, new Set([segment.id]));
      if (state.segments[segment.id]?.member) {
        count += 1;
        if (sample.length < sampleSize) sample.push(customer.customerId);
      }
    }
    scanned += rows.length;
    if (rows.length < 2000) break;
    after = String(rows[rows.length - 1]!.customer_id);
  }
  return { count, scanned, sample };
}
