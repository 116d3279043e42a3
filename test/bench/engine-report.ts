import { fmt, median, recordResults, spreadOf, type Machine } from './bench-support';
import type { LiveFold } from './engine-fold';
import { SHAPES, type ScenarioResult } from './engine-scenario';

export const ENGINE_HEADING = '## The whole engine (`npm run bench:engine`)';
const P99_TARGET_MS = 250;
const FOLD_TARGET = 0.5;

export interface EngineRun {
  readonly ceiling: number;
  readonly scenarios: readonly ScenarioResult[];
  /** Live folding alone, by the number of processes sharing the partitions. */
  readonly folds: ReadonlyArray<LiveFold & { readonly processes: number }>;
}

export interface EngineResults {
  readonly date: string;
  readonly commit: string;
  readonly machine: Machine;
  readonly runs: readonly EngineRun[];
  readonly settings: { readonly duration: number; readonly points: number; readonly runs: number; readonly foldCustomers: number; readonly foldEvents: number };
}

const ratio = (value: number): string => `${value.toFixed(3)} C`;
/** The command that measures again what a recorded run measured (the knobs a recorded run may move). */
const commandOf = (settings: EngineResults['settings']): string => `${settings.runs !== 1 ? `RUNS=${settings.runs} ` : ''}${settings.points !== 4 ? `POINTS=${settings.points} ` : ''}${settings.duration !== 30 ? `DURATION=${settings.duration} ` : ''}npm run bench:engine`;
const verdict = (met: boolean): string => (met ? 'met' : 'not met');
const plural = (processes: number, workers = 1): string =>
  `${processes} engine process${processes > 1 ? 'es' : ''}${workers > 1 ? ` of ${workers} workers (JOURNEY_WORKERS=${workers})` : ''}`;

interface Row {
  readonly id: string;
  readonly label: string;
  readonly rates: number[];
  readonly ratios: number[];
  readonly target: number;
  readonly p99Ms: number[];
  readonly engineUs: number[];
  readonly postgresUs: number[];
  readonly rssMiB: number[];
  readonly errors: number;
}

/** The medians over the runs, per process count and shape. */
function rowsOf(runs: readonly EngineRun[]): Row[] {
  const rows: Row[] = [];
  for (const [index, first] of (runs[0]?.scenarios ?? []).entries()) {
    for (const shape of SHAPES) {
      const row: Row = { id: `${first.processes}p${first.workers > 1 ? `${first.workers}w` : ''}-${shape.id}`, label: `${plural(first.processes, first.workers)}, ${shape.label}`, rates: [], ratios: [], target: shape.target, p99Ms: [], engineUs: [], postgresUs: [], rssMiB: [], errors: 0 };
      for (const run of runs) {
        const scenario = run.scenarios[index]!;
        const result = scenario.shapes.find((s) => s.shape.id === shape.id);
        row.rssMiB.push(scenario.peakRssMiB);
        if (!result) continue;
        row.rates.push(result.rate);
        row.ratios.push(result.rate / run.ceiling);
        if (result.visibility) row.p99Ms.push(result.visibility.p99Ms);
        if (result.cpuPerEvent) {
          row.engineUs.push(result.cpuPerEvent.engineUs);
          row.postgresUs.push(result.cpuPerEvent.postgresUs);
        }
      }
      rows.push({ ...row, errors: runs.reduce((sum, run) => sum + run.scenarios[index]!.errors, 0) });
    }
  }
  return rows;
}

function tableLine(row: Row): string {
  if (row.rates.length === 0) return `| ${row.label} | not measured (see below) | | ≥ ${row.target.toFixed(2)} C | not met | | < ${P99_TARGET_MS} ms | | | | ${row.errors} |`;
  const r = median(row.ratios);
  const rates = spreadOf(row.rates);
  const p99 = row.p99Ms.length > 0 ? median(row.p99Ms) : Number.NaN;
  return (
    `| ${row.label} | ${fmt(rates.median)} (${fmt(rates.min)}–${fmt(rates.max)}) | ${ratio(r)} | ≥ ${row.target.toFixed(2)} C | ${verdict(r >= row.target)} ` +
    `| ${Number.isNaN(p99) ? '—' : `${fmt(p99)} ms`} | < ${P99_TARGET_MS} ms | ${verdict(p99 < P99_TARGET_MS)} ` +
    `| ${row.engineUs.length > 0 ? `${fmt(median(row.engineUs))} / ${fmt(median(row.postgresUs))} µs` : '—'} | ${fmt(Math.max(...row.rssMiB))} MiB | ${row.errors} |`
  );
}

/** What went wrong in a scenario, in one line each (a failure, errors the engines logged). */
function notes(runs: readonly EngineRun[]): string[] {
  const lines: string[] = [];
  for (const [i, run] of runs.entries()) {
    for (const scenario of run.scenarios) {
      if (scenario.failure) lines.push(`- Run ${i + 1}, ${plural(scenario.processes, scenario.workers)}: stopped: ${scenario.failure.replaceAll('|', '/')}`);
      if (scenario.firstError) lines.push(`- Run ${i + 1}, ${plural(scenario.processes, scenario.workers)}: ${scenario.errors} error lines logged; the first: \`${scenario.firstError.replaceAll('`', "'")}\``);
    }
  }
  return lines;
}

/**
 * What one live event writes, by table: the rows the fold of one process inserted, updated or
 * deleted (pg_stat_user_tables of its database), per live event, medians over the runs.
 */
function rowsWrittenLines(runs: readonly EngineRun[]): string[] {
  const folds = runs.flatMap((run) => run.folds.filter((fold) => fold.processes === 1));
  if (folds.length === 0) return [];
  const tables = [...new Set(folds.flatMap((fold) => Object.keys(fold.rowsPerEvent)))];
  const perTable = tables
    .map((table) => ({ table, rows: median(folds.map((fold) => fold.rowsPerEvent[table] ?? 0)) }))
    .sort((a, b) => b.rows - a.rows);
  const total = perTable.reduce((sum, { rows }) => sum + rows, 0);
  return [
    '',
    `Rows written per live event by the fold of one process, by table (inserted, updated or deleted, from the database's`,
    `pg_stat_user_tables, medians over the runs): ${total.toFixed(1)} in all; ` +
      perTable.map(({ table, rows }) => `${table} ${rows.toFixed(2)}`).join(', ') +
      '. events, derived_outbox and streams (the streams\' heads) are the stage changes the fold appends; item_pairs,',
    "item_stats and customer_items are the recommendations' item similarity, kept live by a subscription of its own.",
  ];
}

/** The section of docs/benchmarks.md and the figures of docs/benchmarks.json; written only when `record`. */
export function recordEngineResults(results: EngineResults, record: boolean): { section: string; file?: string } {
  const { machine, runs, settings } = results;
  const ceilings = runs.map((run) => run.ceiling);
  const rows = rowsOf(runs);
  const foldRows = [...new Set(runs.flatMap((run) => run.folds.map((fold) => fold.processes)))].map((processes) => {
    const measured = runs.flatMap((run) => run.folds.filter((fold) => fold.processes === processes).map((fold) => ({ fold, ceiling: run.ceiling })));
    return {
      processes,
      rates: spreadOf(measured.map(({ fold }) => fold.rate)),
      ratio: median(measured.map(({ fold, ceiling }) => fold.rate / ceiling)),
      peakRssMiB: Math.max(...measured.map(({ fold }) => fold.maxRssMiB)),
    };
  });
  const section = [
    ENGINE_HEADING,
    '',
    `Measured ${results.date} on commit ${results.commit}: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os},`,
    `Node ${machine.node}, PostgreSQL ${machine.postgres}. Command: \`${commandOf(settings)}\` (${settings.runs} run${settings.runs > 1 ? 's' : ''}; rate search of`,
    `${settings.points} steps of ${settings.duration} s per row; C measured first in each run, median C ${fmt(median(ceilings))} events/s).`,
    'Knobs: DURATION (seconds per step, 30), POINTS (steps per row, 4), RUNS (1), PROCESSES (1,2), WORKERS (2),',
    'FOLD_CUSTOMERS (100000), FOLD_EVENTS (100000), FOLD_PROCESSES (1,2), AT_RATE (no search: the half-rate figures at that rate, with the',
    "pass's delay per event from the engine's histogram, to compare settings at one load), AGE_SECONDS and AGE_RATE (with",
    'AT_RATE: a step at AGE_RATE first), SHAPES (1x64,100x8); a run with DURATION under 30 s, another FOLD_CUSTOMERS,',
    'FOLD_PROCESSES, AT_RATE or SHAPES only prints its table.',
    '',
    'The engine as users run it: the built engine (`node dist/services/engine/src/main.js`, as `npm',
    'start` runs it) on a fresh PostgreSQL database with the example rules of infra/rules, their',
    'webhooks pointed at a receiver in a process of its own, posted to through an ingest key by a',
    'load generator in a process of its own (test/bench/engine-load-worker.ts: keep-alive HTTP/1.1,',
    'one request in flight per connection, paced to the offered rate). Events of about 400 bytes,',
    'two in three ProductViewed and one in three PurchaseCompleted, over 20,000 customers. With two',
    'processes, both run on the same database, the second on another port, the connections and the',
    'rate split evenly over them. With workers, one `npm start` runs that many whole engines on its one',
    'port (JOURNEY_WORKERS), sharing the partitions as two processes do.',
    '',
    'The figure is the highest accepted rate at which the pipeline\'s lag (the age of the oldest event',
    'after the checkpoints of the customer pass, which folds and judges the rules, sampled every 250 ms) stayed',
    `under 1 s through a step of ${settings.duration} s and until the backlog drained; the next step starts once every`,
    'consumer of the log (the read models beside the pass too) has caught up. The search doubles the offered',
    'rate from 0.04 C (1 per request) or 0.08 C (100 per request) while steps hold, then bisects; a',
    'step stops early once the lag reaches 1 s. Accepted → visible: at half the rate found, a probe',
    'posts every 100 ms a ProductViewed of a new customer and looks up its row in the 360 every',
    '10 ms, from the 202 to the first look-up that finds it. Peak RSS is the largest VmHWM of the',
    'engine processes (with workers, of the largest worker). CPU per event: the user and system time of',
    'the engine processes and of every PostgreSQL process over the half-rate stretch (/proc), divided by',
    'the events accepted meanwhile; the load generator and the receiver are apart, the probe\'s look-ups',
    'in PostgreSQL are not. Ratios are medians over the runs of (figure ÷ C of the same run).',
    '',
    '| scenario | events/s (median, min–max) | ratio to C | target | | p99 accepted → visible at half rate | target | | CPU per event at half rate, engine / PostgreSQL | engine peak RSS | error lines |',
    '| --- | ---: | ---: | --- | --- | ---: | --- | --- | ---: | ---: | ---: |',
    ...rows.map(tableLine),
    ...foldRows.map(
      (row) =>
        `| live folding alone, ${fmt(settings.foldCustomers)} existing customers, ${fmt(settings.foldEvents)} events, ${row.processes} process${row.processes > 1 ? 'es' : ''} | ` +
        `${fmt(row.rates.median)} (${fmt(row.rates.min)}–${fmt(row.rates.max)}) | ${ratio(row.ratio)} | ≥ ${FOLD_TARGET.toFixed(2)} C | ${verdict(row.ratio >= FOLD_TARGET)} | | | | | ${fmt(row.peakRssMiB)} MiB | |`,
    ),
    '',
    `Live folding alone: ${fmt(settings.foldCustomers)} customers in the 360 (a generated base folded from the log, the`,
    'rest cloned from it, as test/bench/query-seed.ts builds them; each fold on a fresh copy of it), then events of the same mix',
    'appended to customers picked at random, then the customer projection as the engine runs it',
    '(test/bench/engine-fold-worker.ts, one process, or two sharing the partitions through their leases as engine processes do;',
    'each takes its share before the clock starts) timed folding them from the log, and then the stage changes they derived',
    '(folded in turn), until every partition has caught up; peak RSS is that of the largest worker.',
    ...rowsWrittenLines(runs),
    ...(notes(runs).length > 0 ? ['', ...notes(runs)] : []),
    '',
  ].join('\n');
  if (!record) return { section };
  const file = recordResults(ENGINE_HEADING, section, 'engine', {
    date: results.date,
    commit: results.commit,
    machine,
    command: commandOf(settings),
    settings,
    ceiling: spreadOf(ceilings),
    rows: rows.map((row) => ({ id: row.id, label: row.label, eventsPerSecond: row.rates.length ? spreadOf(row.rates) : null, ratioToCeiling: row.ratios.length ? median(row.ratios) : null, target: row.target, p99VisibleMs: row.p99Ms.length ? median(row.p99Ms) : null, cpuPerEventUs: row.engineUs.length ? { engine: median(row.engineUs), postgres: median(row.postgresUs) } : null, peakRssMiB: Math.max(...row.rssMiB), errorLines: row.errors })),
    liveFolding: foldRows.map((row) => ({ processes: row.processes, eventsPerSecond: row.rates, ratioToCeiling: row.ratio, target: FOLD_TARGET, peakRssMiB: row.peakRssMiB })),
    runs,
  });
  return { section, file };
}
