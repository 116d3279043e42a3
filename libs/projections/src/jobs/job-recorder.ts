import { randomUUID } from 'node:crypto';
import type { Queryable } from '@journey/database';

/** The long jobs recorded in journey.jobs. */
export const JOB_KINDS = ['projection-rebuild', 'prediction-fit', 'replay-check'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATES = ['running', 'done', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** What a running job reports: `done` of `total` within `phase` (a job without phases passes none). */
export type JobProgress = (done: number, total: number, phase?: string) => void;

export interface JobStart {
  readonly kind: JobKind;
  /** What started it: schedule, cli, api. */
  readonly trigger?: string;
  /** The total known at the start (events in the log, say), 0 when unknown. */
  readonly total?: number;
}

/**
 * How often a running job's row is touched when it has nothing new to report, and how long a
 * running row may stay silent before it is taken for the job of a process that stopped.
 */
export const JOB_HEARTBEAT_MS = 5_000;
export const JOB_SILENCE_MS = 60_000;

/** The reason a job whose process stopped is recorded as failed with. */
export const INTERRUPTED = 'interrupted: the process running it stopped before it finished';

/**
 * Runs `work` as a job recorded in journey.jobs: a running row first, its progress as reported,
 * then done with `report(result)` or failed with the error's message. Progress writes never
 * queue up behind each other: one is in flight at a time and the latest report goes next, so a
 * job that reports often costs few writes. The bookkeeping is best effort: a failed write never
 * fails the job, and the job's result or error is what the caller gets.
 */
export async function recordJob<T>(db: Queryable, start: JobStart, work: (progress: JobProgress) => Promise<T>, report: (result: T) => object): Promise<T> {
  const id = randomUUID();
  await insertJob(db, id, start);
  return runRecordedJob(db, id, start.total ?? 0, work, report);
}

/** The running row of a new job (best effort, as every write of the bookkeeping). */
export async function insertJob(db: Queryable, id: string, start: JobStart): Promise<void> {
  await new JobWrites(db, id).run(`INSERT INTO journey.jobs (id, kind, state, trigger, total) VALUES ($1, $2, 'running', $3, $4)`, [id, start.kind, start.trigger ?? null, start.total ?? 0]);
}

/**
 * Runs the work of a job whose row is written, reporting its progress, touching the row every
 * heartbeat while it runs (so that a silent row means a stopped process), then recording its end.
 */
export async function runRecordedJob<T>(db: Queryable, id: string, total: number, work: (progress: JobProgress) => Promise<T>, report: (result: T) => object, heartbeatMs = JOB_HEARTBEAT_MS): Promise<T> {
  const writes = new JobWrites(db, id, total);
  const heartbeat = setInterval(() => writes.touch(), heartbeatMs);
  heartbeat.unref();
  let result: T;
  try {
    result = await work((done, total, phase) => writes.progress(done, total, phase));
  } catch (error) {
    clearInterval(heartbeat);
    await writes.finish('failed', null, error instanceof Error ? error.message : String(error));
    throw error;
  }
  clearInterval(heartbeat);
  await writes.finish('done', report(result), null);
  return result;
}

/**
 * Records as failed (interrupted) the running jobs silent for longer than `silentForMs`: their
 * process stopped (a crash, a kill) before it could record their end. Answers their ids.
 */
export async function markInterruptedJobs(db: Queryable, silentForMs = JOB_SILENCE_MS, kind?: JobKind): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE journey.jobs SET state = 'failed', error = $2, finished_at = now()
     WHERE state = 'running' AND updated_at < now() - make_interval(secs => $1::double precision / 1000) AND ($3::text IS NULL OR kind = $3)
     RETURNING id`,
    [silentForMs, INTERRUPTED, kind ?? null],
  );
  return rows.map((row) => row.id);
}

interface Progress {
  readonly done: number;
  readonly total: number;
  readonly phase: string | null;
}

/** The writes of one job's row: progress coalesced to the latest, and the end after every progress write. */
class JobWrites {
  private pending: Progress | undefined;
  private writing: Promise<void> | undefined;
  private last: Progress;

  constructor(
    private readonly db: Queryable,
    private readonly id: string,
    total = 0,
  ) {
    this.last = { done: 0, total, phase: null };
  }

  progress(done: number, total: number, phase?: string): void {
    this.pending = { done, total, phase: phase ?? null };
    if (!this.writing) this.writing = this.drain();
  }

  /** The last progress again: the row's updated_at says the job is alive. */
  touch(): void {
    if (!this.writing) this.progress(this.last.done, this.last.total, this.last.phase ?? undefined);
  }

  async finish(state: 'done' | 'failed', report: object | null, error: string | null): Promise<void> {
    await this.writing;
    await this.run(
      `UPDATE journey.jobs SET state = $2, report = $3::jsonb, error = $4, finished_at = now(), updated_at = now(),
         done = CASE WHEN $2 = 'done' AND total > done THEN total ELSE done END
       WHERE id = $1`,
      [this.id, state, report === null ? null : JSON.stringify(report), error],
    );
  }

  async run(sql: string, params: unknown[]): Promise<void> {
    try {
      await this.db.query(sql, params);
    } catch {
      // Best effort: the job goes on; its row is only a view of it.
    }
  }

  private async drain(): Promise<void> {
    for (let next = this.pending; next; next = this.pending) {
      this.pending = undefined;
      this.last = next;
      await this.run(`UPDATE journey.jobs SET done = $2, total = $3, phase = $4, updated_at = now() WHERE id = $1`, [this.id, next.done, next.total, next.phase]);
    }
    this.writing = undefined;
  }
}
