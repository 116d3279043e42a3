import { randomUUID } from 'node:crypto';
import type { ReplayReport } from '@journey/projections';

/** A replay check run as a job: where it stands, and its report once done. */
export interface ReplayJob {
  readonly id: string;
  readonly status: 'running' | 'done' | 'failed';
  readonly startedAt: string;
  readonly finishedAt: string | null;
  /** Events replayed so far, and about how many the log holds (its last global position when the job started). */
  readonly events: number;
  readonly total: number;
  /** events ÷ total, 0–1 (1 once done). */
  readonly progress: number;
  readonly report: ReplayReport | null;
  readonly error: string | null;
}

/** Jobs kept, newest last; older finished ones are forgotten beyond this. */
const KEPT = 20;

/**
 * The replay-check jobs of this process, in memory: one runs at a time (starting another while
 * one runs answers the running one). A job does not outlive its process; its report is also
 * what POST /v1/audit/replay-check answers at once.
 */
export class ReplayJobs {
  private readonly jobs = new Map<string, ReplayJob>();

  start(total: number, now: Date, run: (onProgress: (events: number) => void) => Promise<ReplayReport>): ReplayJob {
    const running = [...this.jobs.values()].find((job) => job.status === 'running');
    if (running) return running;
    const id = randomUUID();
    this.set({ id, status: 'running', startedAt: now.toISOString(), finishedAt: null, events: 0, total, progress: 0, report: null, error: null });
    const update = (change: Partial<ReplayJob>): void => this.set({ ...this.jobs.get(id)!, ...change });
    run((events) => update({ events, progress: total > 0 ? Math.min(0.99, events / total) : 0 })).then(
      (report) => update({ status: 'done', finishedAt: new Date().toISOString(), events: report.events, progress: 1, report }),
      (error: unknown) => update({ status: 'failed', finishedAt: new Date().toISOString(), error: error instanceof Error ? error.message : String(error) }),
    );
    return this.jobs.get(id)!;
  }

  get(id: string): ReplayJob | undefined {
    return this.jobs.get(id);
  }

  /** The jobs this process keeps, newest first. */
  list(): ReplayJob[] {
    return [...this.jobs.values()].reverse();
  }

  private set(job: ReplayJob): void {
    this.jobs.set(job.id, job);
    const finished = [...this.jobs.values()].filter((kept) => kept.status !== 'running');
    for (const old of finished.slice(0, Math.max(0, this.jobs.size - KEPT))) this.jobs.delete(old.id);
  }
}

export const REPLAY_JOBS = Symbol('REPLAY_JOBS');
