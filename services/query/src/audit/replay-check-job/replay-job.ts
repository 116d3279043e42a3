import type { JobView, ReplayReport } from '@journey/projections';

/** A replay check run as a job (a row of journey.jobs): where it stands, and its report once done. */
export interface ReplayJob {
  readonly id: string;
  readonly status: 'running' | 'done' | 'failed';
  readonly startedAt: string;
  readonly finishedAt: string | null;
  /** When its process last reported: a running check silent for long is recorded as interrupted. */
  readonly updatedAt: string;
  /** Events replayed so far, and about how many the log holds (its last global position when the job started). */
  readonly events: number;
  readonly total: number;
  /** events ÷ total, 0–1 (1 once done). */
  readonly progress: number;
  readonly report: ReplayReport | null;
  readonly error: string | null;
}

/** The replay-check job of a journey.jobs row. */
export function replayJob(job: JobView): ReplayJob {
  const report = job.report as ReplayReport | null;
  return {
    id: job.id,
    status: job.state,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    updatedAt: job.updatedAt,
    events: report ? report.events : job.done,
    total: job.total,
    progress: job.progress,
    report,
    error: job.error,
  };
}
