import type { Queryable } from '@journey/database';
import type { JobKind, JobState } from './job-recorder';

/** A long job as journey.jobs holds it. */
export interface JobView {
  readonly id: string;
  readonly kind: JobKind;
  readonly state: 'running' | 'done' | 'failed';
  readonly trigger: string | null;
  /** The phase it is in (a fit's extract, fit, score, ...), null for jobs without phases. */
  readonly phase: string | null;
  /** `done` of `total` within the phase (total 0: not known yet). */
  readonly done: number;
  readonly total: number;
  /** done ÷ total, 0–1 (1 once done). */
  readonly progress: number;
  readonly startedAt: string;
  /** When it last reported: a running job silent for long may have lost its process. */
  readonly updatedAt: string;
  readonly finishedAt: string | null;
  readonly error: string | null;
  readonly report: object | null;
}

export interface JobFilter {
  readonly kind?: JobKind;
  readonly state?: JobState;
  readonly limit: number;
}

interface JobRow {
  id: string;
  kind: JobKind;
  state: JobState;
  trigger: string | null;
  phase: string | null;
  done: string | number;
  total: string | number;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
  error: string | null;
  report: object | string | null;
}

const iso = (value: string | Date): string => new Date(value).toISOString();

/** The newest jobs first, running ones before finished ones started at the same time. */
export async function listJobs(db: Queryable, filter: JobFilter): Promise<JobView[]> {
  const { rows } = await db.query<JobRow>(
    `SELECT id, kind, state, trigger, phase, done, total, started_at, updated_at, finished_at, error, report
     FROM journey.jobs
     WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR state = $2)
     ORDER BY started_at DESC, id LIMIT $3`,
    [filter.kind ?? null, filter.state ?? null, filter.limit],
  );
  return rows.map(toView);
}

/** One job, or undefined when journey.jobs holds no job of that id (and kind, when given). */
export async function getJob(db: Queryable, id: string, kind?: JobKind): Promise<JobView | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
  const { rows } = await db.query<JobRow>(
    `SELECT id, kind, state, trigger, phase, done, total, started_at, updated_at, finished_at, error, report
     FROM journey.jobs WHERE id = $1 AND ($2::text IS NULL OR kind = $2)`,
    [id, kind ?? null],
  );
  return rows[0] ? toView(rows[0]) : undefined;
}

function toView(row: JobRow): JobView {
  const done = Number(row.done);
  const total = Number(row.total);
  const progress = row.state === 'done' ? 1 : total > 0 ? Math.min(1, done / total) : 0;
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    trigger: row.trigger,
    phase: row.phase,
    done,
    total,
    progress,
    startedAt: iso(row.started_at),
    updatedAt: iso(row.updated_at),
    finishedAt: row.finished_at === null ? null : iso(row.finished_at),
    error: row.error,
    report: typeof row.report === 'string' ? (JSON.parse(row.report) as object) : row.report,
  };
}
