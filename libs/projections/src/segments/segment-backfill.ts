import { decideMemberships, segmentAndDependents, type Customer360, type SegmentChange } from '@journey/domain';
import type { EventStore } from '@journey/event-store';
import type { Queryable } from '@journey/database';
import { fromRow, LIVE_TABLES } from '../customer-360.table';
import { candidateFilter } from './segment-prefilter';
import { segmentPredictions } from './segment-predictions';
import { SegmentStore } from './segment-store';
import { membershipRequests, recordDaily, saveMemberships } from './segment-writer';

export type BackfillStatus = 'running' | 'done' | 'failed' | 'cancelled';

export interface BackfillJob {
  readonly jobId: string;
  readonly segmentId: string;
  readonly version: number;
  readonly status: BackfillStatus;
  readonly total: number;
  readonly done: number;
  readonly entered: number;
  readonly exited: number;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly error: string | null;
}

interface JobRow {
  job_id: string;
  segment_id: string;
  version: number;
  status: BackfillStatus;
  total: number;
  done: number;
  entered: number;
  exited: number;
  after: string;
  started_at: Date | string;
  finished_at: Date | string | null;
  error: string | null;
}

/** Records a backfill of a segment's version over every customer, to be run by runBackfill. */
export async function startBackfill(db: Queryable, segmentId: string, version: number, jobId: string, now: Date): Promise<BackfillJob> {
  const { rows } = await db.query<{ total: string | number }>(`SELECT count(*) AS total FROM ${LIVE_TABLES.customers}`);
  // A newer job of the segment supersedes those still running.
  await db.query(`UPDATE journey.segment_jobs SET status = 'cancelled', finished_at = $2 WHERE segment_id = $1 AND status = 'running'`, [segmentId, now.toISOString()]);
  await db.query(
    `INSERT INTO journey.segment_jobs (job_id, segment_id, version, status, total, started_at) VALUES ($1, $2, $3, 'running', $4, $5)`,
    [jobId, segmentId, version, Number(rows[0]!.total), now.toISOString()],
  );
  return (await backfillJob(db, jobId))!;
}

export async function backfillJob(db: Queryable, jobId: string): Promise<BackfillJob | undefined> {
  const { rows } = await db.query<JobRow>(`SELECT * FROM journey.segment_jobs WHERE job_id = $1`, [jobId]);
  return rows[0] ? toJob(rows[0]) : undefined;
}

export async function backfillJobs(db: Queryable, segmentId: string, limit = 20): Promise<BackfillJob[]> {
  const { rows } = await db.query<JobRow>(`SELECT * FROM journey.segment_jobs WHERE segment_id = $1 ORDER BY started_at DESC LIMIT $2`, [segmentId, limit]);
  return rows.map(toJob);
}

/** The jobs left running (by a process that stopped), to go on with. */
export async function runningBackfills(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ job_id: string }>(`SELECT job_id FROM journey.segment_jobs WHERE status = 'running' ORDER BY started_at`);
  return rows.map((row) => row.job_id);
}

/**
 * Runs a backfill to its end: customers in keyset ranges of `chunk`, each range one unit of work.
 * The transactions that read the segment definitions before this job's version was saved are
 * waited for first; every pass after them judges that version itself. In each range, the rows a
 * conservative SQL test picks out (members, customers judged after the job's instant, those the
 * segment may hold or time may move: candidateFilter) are locked in the order the pass locks
 * them (so the two wait for each other briefly and never deadlock), judged in code at the job's
 * start on their current state, and the changes (marked as a backfill's) and the review instants
 * that come sooner are recorded with the job's cursor. The other rows are neither read nor
 * locked: judging them would change nothing. A job stopped anywhere goes on from its cursor; its
 * changes, named by their numbers, are never doubled.
 */
export async function runBackfill(
  store: EventStore<Queryable>,
  jobId: string,
  options: { readonly chunk?: number; readonly onProgress?: (job: BackfillJob) => void; readonly now?: () => Date } = {},
): Promise<BackfillJob> {
  const chunk = options.chunk ?? 5000;
  const now = options.now ?? (() => new Date());
  await store.unitOfWork((unit) => awaitDefinitionReaders(unit.state));
  for (;;) {
    const job = await store.unitOfWork(async (unit) => {
      const tx = unit.state;
      const { rows: jobs } = await tx.query<JobRow>(`SELECT * FROM journey.segment_jobs WHERE job_id = $1 FOR UPDATE`, [jobId]);
      const row = jobs[0];
      if (!row) throw new Error(`no backfill job ${jobId}`);
      if (row.status !== 'running') return toJob(row);
      const segments = await SegmentStore.live(tx);
      const target = segments.find((segment) => segment.id === row.segment_id);
      // An archived segment's members are let go; a newer version has a job of its own.
      if (target && target.version !== row.version) {
        await tx.query(`UPDATE journey.segment_jobs SET status = 'cancelled', finished_at = $2 WHERE job_id = $1`, [jobId, now().toISOString()]);
        return { ...toJob(row), status: 'cancelled' as const };
      }
      const { rows: ranges } = await tx.query<{ n: string | number; last: string | null }>(
        `SELECT count(*) AS n, max(customer_id) AS last FROM (SELECT customer_id FROM ${LIVE_TABLES.customers} WHERE customer_id > $1 ORDER BY customer_id LIMIT $2) AS r`,
        [row.after, chunk],
      );
      const scanned = Number(ranges[0]!.n);
      const at = new Date(row.started_at).getTime();
      const filter = candidateFilter(target, row.segment_id, at, 3);
      const { rows: customers } =
        scanned === 0
          ? { rows: [] }
          : await tx.query<Record<string, unknown>>(
              `SELECT * FROM ${LIVE_TABLES.customers} WHERE customer_id > $1 AND customer_id <= $2 AND ${filter.sql} ORDER BY customer_id FOR UPDATE`,
              [row.after, ranges[0]!.last, ...filter.params],
            );
      const decided: SegmentChange[] = [];
      const changed: Customer360[] = [];
      // The segments naming this one are judged with it: a new version moves their members too.
      const judged = segmentAndDependents(segments, row.segment_id);
      const predictions = target ? await segmentPredictions(tx, segments.filter((segment) => judged.has(segment.id)), customers.map((raw) => String(raw.customer_id))) : new Map();
      for (const raw of customers) {
        const customer = fromRow(raw as Parameters<typeof fromRow>[0]);
        const decision = target
          ? decideMemberships(customer, segments, at, { kind: 'backfill', jobId }, judged, { predictions: predictions.get(customer.customerId) ?? null })
          : letGo(customer, row.segment_id, row.version, at, jobId);
        if (!mustWrite(customer, decision)) continue;
        decided.push(...decision.changes);
        changed.push(decision.state);
      }
      await saveMemberships(tx, changed);
      await recordDaily(tx, decided);
      if (decided.length > 0) await unit.appendAfterCommit(membershipRequests(decided));
      const entered = decided.filter((change) => change.entered).length;
      const finished = scanned < chunk;
      const { rows: updated } = await tx.query<JobRow>(
        `UPDATE journey.segment_jobs SET done = done + $2, entered = entered + $3, exited = exited + $4, after = $5,
           status = CASE WHEN $6 THEN 'done' ELSE status END, finished_at = CASE WHEN $6 THEN $7::timestamptz ELSE finished_at END,
           total = GREATEST(total, done + $2)
         WHERE job_id = $1 RETURNING *`,
        [jobId, scanned, entered, decided.length - entered, ranges[0]!.last ?? row.after, finished, now().toISOString()],
      );
      return toJob(updated[0]!);
    });
    options.onProgress?.(job);
    if (job.status !== 'running') return job;
  }
}

/**
 * Waits for every transaction that has read the segment definitions (a pass may have judged rows
 * under the ones before this job's version): the lock is granted once they have ended, and those
 * reading after it see the saved version. Held for no longer than it takes to be granted.
 */
async function awaitDefinitionReaders(tx: Queryable): Promise<void> {
  await tx.query('LOCK TABLE journey.segments IN ACCESS EXCLUSIVE MODE');
}

/**
 * Whether a judgement must be written: a membership changed, or time may now change one sooner
 * than the customer's review instant says (a later instant is found when the earlier one is reviewed).
 */
function mustWrite(customer: Customer360, decision: { readonly state: Customer360; readonly changes: readonly SegmentChange[] }): boolean {
  if (decision.changes.length > 0) return true;
  const next = decision.state.segmentReviewAt;
  return next !== null && (customer.segmentReviewAt === null || next < customer.segmentReviewAt);
}

/** An archived segment: a member exits. */
function letGo(customer: Customer360, segmentId: string, version: number, at: number, jobId: string) {
  const current = customer.segments[segmentId];
  if (!current?.member) return { state: customer, changes: [] as SegmentChange[] };
  const instant = new Date(at).toISOString();
  const change = current.change + 1;
  return {
    state: { ...customer, segments: { ...customer.segments, [segmentId]: { member: false, change, version, since: instant, backfill: true } } },
    changes: [{ customerId: customer.customerId, segmentId, version, entered: false, change, at: instant, cause: { kind: 'backfill' as const, jobId } }],
  };
}

function toJob(row: JobRow): BackfillJob {
  return {
    jobId: row.job_id,
    segmentId: row.segment_id,
    version: row.version,
    status: row.status,
    total: Number(row.total),
    done: Number(row.done),
    entered: Number(row.entered),
    exited: Number(row.exited),
    startedAt: new Date(row.started_at).toISOString(),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at).toISOString(),
    error: row.error,
  };
}
