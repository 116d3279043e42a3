import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { CUSTOMER_PROJECTION } from '@journey/projections';
import { until } from '../support/until';
import { fmt } from './bench-support';
import { pipelineLag, readLags } from './engine-lag';
import type { LoadOptions, LoadReport } from './engine-load-worker';
import { saturated, type RateStep } from './rate-search';

/** The consumers whose lag is the pipeline's: the customer pass (partitioned names included). */
export const PIPELINE = [CUSTOMER_PROJECTION] as const;
/** The bound on the pipeline's lag, in seconds. */
export const LAG_BOUND = 1;
const SAMPLE_MS = 250;
/** How long a lost step's backlog may take to drain (live traffic over existing customers drains slowly). */
const DRAIN_CEILING_MS = 15 * 60_000;

export interface MeasuredStep extends RateStep {
  readonly maxLag: number;
  /** The largest lag each consumer showed, by checkpoint name. */
  readonly maxLagBy: Readonly<Record<string, number>>;
  readonly seconds: number;
  readonly failed: number;
  readonly loadCores: number;
}

/** A load in its own process (engine-load-worker); `stop()` ends it early, `done` gives its report. */
export function startLoad(options: LoadOptions): { stop: () => void; done: Promise<LoadReport> } {
  const child = spawn(process.execPath, [join(__dirname, 'engine-load-worker.js'), JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const done = once(child, 'exit').then(([code]) => {
    if (code !== 0) throw new Error(`the load generator exited with ${String(code)}`);
    return JSON.parse(out) as LoadReport;
  });
  return { stop: () => child.connected && child.send('stop'), done };
}

/**
 * Offers `options.rate` for `options.seconds` while sampling the pipeline's lag, then samples on
 * until the pipeline and every other consumer of the log have caught up (the pipeline's tail
 * counts too). The load stops as soon as the lag reaches the bound: the step is then lost, and
 * the backlog it leaves stays small.
 */
export async function runStep(pool: Pool, options: LoadOptions): Promise<MeasuredStep> {
  const load = startLoad(options);
  let loading = true;
  let stopped = false;
  const finished = load.done.finally(() => (loading = false));
  finished.catch(() => undefined);
  let maxLag = 0;
  const maxLagBy: Record<string, number> = {};
  let drainDeadline = Number.POSITIVE_INFINITY;
  for (;;) {
    const lags = await readLags(pool);
    for (const [name, seconds] of lags) maxLagBy[name] = Math.max(maxLagBy[name] ?? 0, seconds);
    const lag = pipelineLag(lags, PIPELINE) ?? 0;
    maxLag = Math.max(maxLag, lag);
    if (loading && lag >= LAG_BOUND && !stopped) {
      stopped = true;
      load.stop();
    }
    if (!loading) {
      // The next step starts from an idle engine: every consumer caught up, not only the
      // pipeline (a read model's backlog left by this step would compete with the next).
      if ([...lags.values()].every((seconds) => seconds === 0)) break;
      drainDeadline = Math.min(drainDeadline, Date.now() + DRAIN_CEILING_MS);
      if (Date.now() > drainDeadline) throw new Error(`the pipeline did not catch up within ${DRAIN_CEILING_MS / 60_000} minutes after the load`);
    }
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
  }
  const report = await finished;
  return {
    offered: options.rate,
    accepted: report.events / report.seconds,
    held: !stopped && maxLag < LAG_BOUND && report.failed === 0,
    maxLag,
    maxLagBy,
    seconds: report.seconds,
    failed: report.failed,
    loadCores: report.cores,
  };
}

/** Waits until both consumers of the pipeline have a checkpoint (they have taken their first batch). */
export async function pipelineStarted(pool: Pool): Promise<void> {
  await until(async () => (pipelineLag(await readLags(pool), PIPELINE) !== undefined ? true : undefined), 5 * 60_000, 'the pipeline’s first checkpoints');
}

/** One line about a step: what was offered and accepted, each consumer's largest lag, the verdict. */
export function describeStep(step: MeasuredStep): string {
  const lags = Object.entries(step.maxLagBy).map(([name, seconds]) => `${name} ${seconds.toFixed(2)} s`);
  const verdict = step.held
    ? `held${saturated(step) ? ' (ingest accepted less than offered)' : ''}`
    : `lost (${step.failed > 0 ? `${step.failed} requests refused` : `lag reached ${LAG_BOUND} s`})`;
  return `offered ${fmt(step.offered)}, accepted ${fmt(step.accepted)} events/s for ${step.seconds.toFixed(1)} s, largest lag ${lags.join(', ')}: ${verdict}`;
}
