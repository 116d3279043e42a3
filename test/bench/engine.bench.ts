/**
 * npm run bench:engine — the engine as users run it: `npm start` on PostgreSQL with the example
 * rules (webhooks to a receiver in its own process), load from a process of its own, and the
 * highest accepted rate at which the pipeline's lag stays under 1 s, beside the raw ceiling C of
 * the same run; with one engine process and with two side by side. Then live folding alone over
 * 100,000 existing customers, in one process and in two. Knobs: DURATION (seconds per step, 30), POINTS (steps of the rate
 * search, 4), RUNS (1), PROCESSES (1,2), WORKERS (2: one process of that many workers; 1: none), FOLD_CUSTOMERS (100000), FOLD_EVENTS (100000),
 * FOLD_PROCESSES (1,2),
 * AT_RATE (no search: accepted → visible, the pass's delay per event and the CPU per event at this
 * rate, to compare settings at one load), AGE_SECONDS and AGE_RATE (with AT_RATE: a step at AGE_RATE
 * first, measuring over the state it leaves), SHAPES (1x64,100x8). Only a run with DURATION ≥ 30, FOLD_CUSTOMERS = 100000 and no AT_RATE writes
 * docs/benchmarks.md; others print.
 */
import 'reflect-metadata';
import { benchDatabaseUrl, ceiling, commitOf, copyDatabase, describeMachine, fmt, freshJourneySchema, median } from './bench-support';
import { liveFolding, preparePopulation, RANDOM_LIVE_MIX, type LiveFold } from './engine-fold';
import { exampleRulesFile, startReceiver } from './engine-processes';
import { recordEngineResults, type EngineRun } from './engine-report';
import { runScenario, type ScenarioResult } from './engine-scenario';

const DURATION = Number(process.env.DURATION ?? 30);
const POINTS = Number(process.env.POINTS ?? 4);
const RUNS = Number(process.env.RUNS ?? 1);
const PROCESSES = (process.env.PROCESSES ?? '1,2').split(',').filter(Boolean).map(Number);
const WORKERS = Number(process.env.WORKERS ?? 2);
const FOLD_CUSTOMERS = Number(process.env.FOLD_CUSTOMERS ?? 100_000);
const FOLD_EVENTS = Number(process.env.FOLD_EVENTS ?? 100_000);
const FOLD_PROCESSES = (process.env.FOLD_PROCESSES ?? '1,2').split(',').filter(Boolean).map(Number);
const AT_RATE = process.env.AT_RATE ? Number(process.env.AT_RATE) : undefined;
const AGE = process.env.AGE_SECONDS ? { seconds: Number(process.env.AGE_SECONDS), rate: Number(process.env.AGE_RATE ?? 500) } : undefined;
const ONLY_SHAPES = process.env.SHAPES?.split(',').filter(Boolean);
const CEILING_SECONDS = 5;
const FOLD_POPULATION = 'journey_bench_fold_population';

async function main(): Promise<void> {
  const started = performance.now();
  const url = await benchDatabaseUrl('journey_bench_engine');
  // Live folding's population, kept as a template: each fold runs on a fresh copy of it.
  const populationUrl = await benchDatabaseUrl(FOLD_POPULATION);
  const machine = await describeMachine(url);
  process.stdout.write(`live folding's population: ${fmt(FOLD_CUSTOMERS)} customers\n`);
  await preparePopulation(populationUrl, FOLD_CUSTOMERS, (line) => process.stdout.write(`  ${line}\n`));

  const receiver = await startReceiver();
  const rulesFile = exampleRulesFile(receiver.url);
  const runs: EngineRun[] = [];
  try {
    for (let run = 1; run <= RUNS; run++) {
      await freshJourneySchema(url);
      const c = await ceiling(url, CEILING_SECONDS);
      process.stdout.write(`run ${run}: C ${fmt(c)} events/s\n`);
      const scenarios: ScenarioResult[] = [];
      const setups = [...PROCESSES.map((processes) => ({ processes, workers: 1 })), ...(WORKERS > 1 ? [{ processes: 1, workers: WORKERS }] : [])];
      for (const { processes, workers } of setups) {
        scenarios.push(await runScenario({ url, processes, workers, ceiling: c, rulesFile, seconds: DURATION, points: POINTS, atRate: AT_RATE, age: AGE, shapes: ONLY_SHAPES }));
      }
      const folds: Array<LiveFold & { processes: number }> = [];
      for (const processes of FOLD_PROCESSES) {
        const foldUrl = await copyDatabase(FOLD_POPULATION, 'journey_bench_fold');
        const fold = await liveFolding(foldUrl, FOLD_CUSTOMERS, FOLD_EVENTS, RANDOM_LIVE_MIX, processes);
        folds.push({ ...fold, processes });
        process.stdout.write(
          `run ${run}: live folding in ${processes} process${processes > 1 ? 'es' : ''}: ${fmt(fold.events)} events in ${fold.seconds.toFixed(1)} s = ${fmt(fold.rate)} events/s = ${(fold.rate / c).toFixed(3)} C; ` +
            `rows written per event: ${Object.entries(fold.rowsPerEvent).map(([table, rows]) => `${table} ${rows.toFixed(2)}`).join(', ')}\n`,
        );
      }
      runs.push({ ceiling: c, scenarios, folds });
    }
  } finally {
    await receiver.stop();
  }

  const record = DURATION >= 30 && FOLD_CUSTOMERS === 100_000 && AT_RATE === undefined && ONLY_SHAPES === undefined && process.env.FOLD_PROCESSES === undefined;
  const { section, file } = recordEngineResults(
    { date: new Date().toISOString(), commit: commitOf(), machine, runs, settings: { duration: DURATION, points: POINTS, runs: RUNS, foldCustomers: FOLD_CUSTOMERS, foldEvents: FOLD_EVENTS } },
    record,
  );
  process.stdout.write(`\n${section}\n${file ? `written to ${file}` : '(a short run: docs/benchmarks.md is left as it was)'}\n`);
  process.stdout.write(`median C ${fmt(median(runs.map((r) => r.ceiling)))} events/s; ${((performance.now() - started) / 60_000).toFixed(1)} minutes in all\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
