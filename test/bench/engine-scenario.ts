import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import type { EngineProcess } from '../support/engine-process';
import { fmt, freshJourneySchema } from './bench-support';
import type { LoadOptions } from './engine-load-worker';
import { cpuSeconds, errorLines, ingestKey, peakRssMiB, startEngines, stopEngines } from './engine-processes';
import { describeStep, pipelineStarted, runStep, type MeasuredStep } from './engine-steps';
import { readLags } from './engine-lag';
import { passDelays, quantileBetween } from './engine-delay';
import { visibilityUnderLoad, type Visibility } from './engine-visibility';
import { nextRate, sustainedRate } from './rate-search';

export interface Shape {
  readonly id: string;
  readonly label: string;
  readonly perRequest: number;
  readonly connections: number;
  /** The first rate offered, as a fraction of C. */
  readonly start: number;
  /** The target, as a fraction of C. */
  readonly target: number;
}

export const SHAPES: readonly Shape[] = [
  { id: '1x64', label: '1 event per request, 64 connections', perRequest: 1, connections: 64, start: 0.04, target: 0.1 },
  { id: '100x8', label: '100 events per request, 8 connections', perRequest: 100, connections: 8, start: 0.08, target: 0.25 },
];

export interface ShapeResult {
  readonly shape: Shape;
  readonly steps: readonly MeasuredStep[];
  /** The highest accepted rate whose lag held, events per second. */
  readonly rate: number;
  readonly visibility?: Visibility;
  /** CPU per accepted event at half the rate found, in microseconds: the engine processes', and PostgreSQL's. */
  readonly cpuPerEvent?: { readonly engineUs: number; readonly postgresUs: number };
}

export interface ScenarioResult {
  readonly processes: number;
  /** Workers per process (JOURNEY_WORKERS). */
  readonly workers: number;
  readonly shapes: readonly ShapeResult[];
  readonly peakRssMiB: number;
  /** Lines the engines logged at error level. */
  readonly errors: number;
  readonly firstError?: string;
  /** Why the scenario stopped short, when it did. */
  readonly failure?: string;
}

export interface ScenarioOptions {
  readonly url: string;
  readonly processes: number;
  readonly workers: number;
  readonly ceiling: number;
  readonly rulesFile: string;
  readonly seconds: number;
  readonly points: number;
  /** Measure accepted → visible and the CPU per event at this rate only, without the search (events per second). */
  readonly atRate?: number;
  /** With atRate: a step offered first at this rate for this long, so that the rate is measured over the state it leaves. */
  readonly age?: { readonly rate: number; readonly seconds: number };
  /** The shapes to run (by id); all when absent. */
  readonly shapes?: readonly string[];
}

const WARM_UP_SECONDS = 3;

/**
 * `processes` engines side by side on a fresh schema; for each shape, the rate search (POINTS
 * steps of `seconds`), then accepted → visible at half the rate found. A failure (an engine
 * that does not start, a load refused) ends the scenario and is reported with what was measured.
 */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  await freshJourneySchema(options.url);
  const say = (line: string): void => void process.stdout.write(`  [${options.processes} process${options.processes > 1 ? 'es' : ''}] ${line}\n`);
  const shapes: ShapeResult[] = [];
  const pool = new Pool({ connectionString: options.url, max: 2 });
  let engines: EngineProcess[] = [];
  let failure: string | undefined;
  try {
    engines = await startEngines(options.url, options.processes, options.rulesFile, options.workers);
    const key = await ingestKey(engines[0]!);
    const urls = engines.map((engine) => engine.url);
    for (const shape of SHAPES.filter((one) => !options.shapes || options.shapes.includes(one.id))) {
      const load = (rate: number, seconds: number): LoadOptions => ({ urls, key, perRequest: shape.perRequest, connections: shape.connections, rate, seconds });
      const start = shape.start * options.ceiling;
      await runStep(pool, load(start / 2, WARM_UP_SECONDS));
      await pipelineStarted(pool);
      const steps: MeasuredStep[] = [];
      for (let i = 0; i < (options.atRate ? 0 : options.points); i++) {
        const step = await runStep(pool, load(nextRate(steps, start), options.seconds));
        steps.push(step);
        say(`${shape.id}: ${describeStep(step)}`);
      }
      if (options.atRate && options.age) {
        const aged = await runStep(pool, load(options.age.rate, options.age.seconds));
        say(`${shape.id}: aged by ${describeStep(aged)}`);
      }
      const rate = options.atRate ? 2 * options.atRate : sustainedRate(steps);
      let visibility: Visibility | undefined;
      let cpuPerEvent: ShapeResult['cpuPerEvent'];
      if (rate > 0) {
        const before = cpuSeconds(engines);
        const delaysBefore = options.atRate ? await passDelays(engines) : undefined;
        visibility = await visibilityUnderLoad(pool, load(rate / 2, options.seconds));
        const after = cpuSeconds(engines);
        const events = visibility.accepted * options.seconds;
        cpuPerEvent = { engineUs: ((after.engine - before.engine) / events) * 1e6, postgresUs: ((after.postgres - before.postgres) / events) * 1e6 };
        say(
          `${shape.id}: at ${fmt(visibility.accepted)} events/s, accepted → visible p50 ${fmt(visibility.p50Ms)} ms, p99 ${fmt(visibility.p99Ms)} ms (${visibility.probes} probes); ` +
            `CPU per event: engine ${fmt(cpuPerEvent.engineUs)} µs, PostgreSQL ${fmt(cpuPerEvent.postgresUs)} µs`,
        );
        if (delaysBefore) {
          // Every event the pass folded meanwhile (the derived ones too), not a sample of probes.
          const delaysAfter = await passDelays(engines);
          const ms = (q: number): string => fmt(1000 * (quantileBetween(delaysBefore, delaysAfter, q) ?? Number.NaN));
          say(`${shape.id}: the pass's delay per event (recorded → folded) p50 ${ms(0.5)} ms, p90 ${ms(0.9)} ms, p99 ${ms(0.99)} ms`);
        }
      }
      shapes.push({ shape, steps, rate, visibility, cpuPerEvent });
    }
  } catch (error) {
    failure = (error as Error).message.split('\n').slice(0, 3).join(' ');
    say(`stopped: ${(error as Error).message}`);
    say(`the engines' logs and the pipeline's state are kept in ${await keepEvidence(pool, engines)}`);
  } finally {
    await pool.end();
  }
  const peak = Math.max(0, ...engines.map(safePeak));
  await stopEngines(engines);
  const errors = engines.flatMap(errorLines);
  return { processes: options.processes, workers: options.workers, shapes, peakRssMiB: peak, errors: errors.length, firstError: errors[0]?.slice(0, 300), failure };
}

function safePeak(engine: EngineProcess): number {
  try {
    return peakRssMiB(engine);
  } catch {
    return 0; // the process is gone (it failed): its memory is not measured
  }
}

/**
 * What a stopped scenario leaves to look at, while its engines still run: each engine's log, and
 * the checkpoints, leases, sessions and waiting locks of its database. Returns the directory.
 */
export async function keepEvidence(pool: Pool, engines: readonly EngineProcess[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'journey-bench-engine-'));
  engines.forEach((engine, i) => writeFileSync(join(dir, `engine-${i + 1}.log`), engine.log));
  const state: Record<string, unknown> = {};
  try {
    state.lagSeconds = Object.fromEntries(await readLags(pool));
  } catch (error) {
    state.lagSeconds = `not read: ${(error as Error).message}`;
  }
  const queries: Record<string, string> = {
    checkpoints: 'SELECT name, tx_id::text, position, updated_at FROM journey.checkpoints ORDER BY name',
    leases: 'SELECT grp, partition, owner, lease_until, clock_timestamp() AS now FROM journey.partition_leases ORDER BY grp, partition',
    members: 'SELECT grp, member, seen_until FROM journey.lease_members ORDER BY grp, member',
    sessions: `SELECT pid, application_name, state, wait_event_type, wait_event, clock_timestamp() - xact_start AS in_transaction, left(query, 300) AS query
               FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() ORDER BY xact_start NULLS LAST`,
    waiting: `SELECT l.pid, l.locktype, l.mode, l.relation::regclass::text AS relation, pg_blocking_pids(l.pid) AS blocked_by
              FROM pg_locks l WHERE NOT l.granted`,
  };
  for (const [name, sql] of Object.entries(queries)) {
    try {
      state[name] = (await pool.query(sql)).rows;
    } catch (error) {
      state[name] = `not read: ${(error as Error).message}`;
    }
  }
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state, null, 1));
  return dir;
}
