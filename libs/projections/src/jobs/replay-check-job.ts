import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '@journey/database';
import type { EventStore } from '@journey/event-store';
import type { LifecycleThresholds } from '@journey/domain';
import { replayCheck, type ReplayReport } from '../replay-check';
import { JOB_SILENCE_MS, markInterruptedJobs, runRecordedJob } from './job-recorder';

export interface ReplayCheckStart {
  /** The job: a new one, or the one already running in some process. */
  readonly id: string;
  /** Whether this call started it; `done` is its report (only the starter's process runs it). */
  readonly started: boolean;
  readonly done?: Promise<ReplayReport>;
}

/**
 * Starts the replay check as a job recorded in journey.jobs (events replayed of about how many
 * the log held when it started, then the report), or answers the one running: one at a time
 * over every process, decided under an advisory lock. A running check whose process stopped
 * (silent for `silentForMs`) is recorded as interrupted first, so it does not hold the place.
 */
export async function startReplayCheckJob(
  db: Database,
  store: EventStore<Queryable>,
  options: { lifecycle: LifecycleThresholds; batchSize: number },
  trigger: string,
  silentForMs = JOB_SILENCE_MS,
): Promise<ReplayCheckStart> {
  const total = (await store.lastCommitted()).position;
  const claim = await db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('journey.replay-check'))");
    await markInterruptedJobs(tx, silentForMs, 'replay-check');
    const { rows } = await tx.query<{ id: string }>(`SELECT id FROM journey.jobs WHERE kind = 'replay-check' AND state = 'running' ORDER BY started_at DESC LIMIT 1`);
    if (rows[0]) return { id: rows[0].id, started: false };
    const id = randomUUID();
    await tx.query(`INSERT INTO journey.jobs (id, kind, state, trigger, total) VALUES ($1, 'replay-check', 'running', $2, $3)`, [id, trigger, total]);
    return { id, started: true };
  });
  if (!claim.started) return claim;
  const done = runRecordedJob(
    db,
    claim.id,
    total,
    (progress) => replayCheck(db, store, { ...options, onProgress: (events) => progress(events, Math.max(total, events)) }),
    (report) => report,
  );
  return { ...claim, done };
}
