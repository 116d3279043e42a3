import { randomUUID } from 'node:crypto';
import type { Queryable } from '@journey/database';

/** The long jobs recorded in journey.jobs. */
export const JOB_KINDS = ['projection-rebuild', 'prediction-fit'] as const;
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
 * Runs `work` as a job recorded in journey.jobs: a running row first, its progress as reported,
 * then done with `report(result)` or failed with the error's message. Progress writes never
 * queue up behind each other: one is in flight at a time and the latest report goes next, so a
 * job that reports often costs few writes. The bookkeeping is best effort: a failed write never
 * fails the job, and the job's result or error is what the caller gets.
 */
export async function recordJob<T>(db: Queryable, start: JobStart, work: (progress: JobProgress) => Promise<T>, report: (result: T) => object): Promise<T> {
  const id = randomUUID();
  const writes = new JobWrites(db, id);
  await writes.run(
    `INSERT INTO journey.jobs (id, kind, state, trigger, total) VALUES ($1, $2, 'running', $3, $4)`,
    [id, start.kind, start.trigger ?? null, start.total ?? 0],
  );
  let result: T;
  try {
    result = await work((done, total, phase) => writes.progress(done, total, phase));
  } catch (error) {
    await writes.finish('failed', null, error instanceof Error ? error.message : String(error));
    throw error;
  }
  await writes.finish('done', report(result), null);
  return result;
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

  constructor(
    private readonly db: Queryable,
    private readonly id: string,
  ) {}

  progress(done: number, total: number, phase?: string): void {
    this.pending = { done, total, phase: phase ?? null };
    if (!this.writing) this.writing = this.drain();
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
      await this.run(`UPDATE journey.jobs SET done = $2, total = $3, phase = $4, updated_at = now() WHERE id = $1`, [this.id, next.done, next.total, next.phase]);
    }
    this.writing = undefined;
  }
}
