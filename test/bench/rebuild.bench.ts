/**
 * npm run bench:rebuild — replay at scale: every projection rebuilt from about 10,000,000
 * generated events, the time and the peak RSS of the rebuilding process, beside the raw insert
 * ceiling C and beside the catch-up rate over a history a tenth the size, both of the same run.
 * The histories are kept between runs in databases of their own and seeded only when missing;
 * EVENTS and RUNS tune it.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ceiling, commitOf, describeMachine, fmt, keptBenchDatabaseUrl, median, recordResults } from './bench-support';
import { seedHistory } from './bench-history';

const EVENTS = Number(process.env.EVENTS ?? 10_000_000);
const RUNS = Number(process.env.RUNS ?? 1);
/** A fixed end of history: the kept data set stays the same whatever day it is run. */
const UNTIL = new Date('2026-11-01T00:00:00Z');

interface CatchUp {
  readonly events: number;
  readonly seconds: number;
  readonly maxRssMiB: number;
}

async function history(name: string, events: number): Promise<{ url: string; events: number; customers: number }> {
  const url = await keptBenchDatabaseUrl(name);
  return { url, ...(await seedHistory(url, events, { until: UNTIL, keep: true })) };
}

function rebuild(url: string): CatchUp {
  const worker = join(__dirname, 'project-worker.js');
  return JSON.parse(execFileSync(process.execPath, [worker, url], { encoding: 'utf8', maxBuffer: 1 << 20 })) as CatchUp;
}

async function main(): Promise<void> {
  const large = await history('journey_bench_rebuild', EVENTS);
  // The catch-up rate to keep at scale, measured in the same run on a history a tenth the size.
  const small = await history('journey_bench_rebuild_small', EVENTS / 10);
  const machine = await describeMachine(large.url);

  const ceilings: number[] = [];
  const runs: CatchUp[] = [];
  const smallRuns: CatchUp[] = [];
  const say = (what: string, result: CatchUp): void =>
    void process.stdout.write(`  ${what}: ${fmt(result.events)} events in ${result.seconds.toFixed(0)} s = ${fmt(result.events / result.seconds)} events/s, peak RSS ${fmt(result.maxRssMiB)} MiB\n`);
  for (let run = 1; run <= RUNS; run++) {
    ceilings.push(await ceiling(large.url, 5));
    process.stdout.write(`run ${run}: C ${fmt(ceilings.at(-1)!)} events/s\n`);
    smallRuns.push(rebuild(small.url));
    say('catch-up of the small history', smallRuns.at(-1)!);
    runs.push(rebuild(large.url));
    say('rebuild of the large history', runs.at(-1)!);
  }
  const rates = runs.map((run) => run.events / run.seconds);
  const smallRates = smallRuns.map((run) => run.events / run.seconds);
  const ratio = median(rates.map((rate, i) => rate / ceilings[i]!));
  const toCatchUp = median(rates.map((rate, i) => rate / smallRates[i]!));
  const peak = Math.max(...runs.map((run) => run.maxRssMiB));
  const date = new Date().toISOString();
  const commit = commitOf();
  const heading = '## Replay at scale (`npm run bench:rebuild`)';
  const section = [
    heading,
    '',
    'A part alone: the projection rebuilt from a whole log into fresh tables; the whole engine as users run it is measured by `npm run bench:engine`.',
    '',
    `Measured ${date} on commit ${commit}: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os},`,
    `Node ${machine.node}, PostgreSQL ${machine.postgres}. Command: \`npm run bench:rebuild\` (${RUNS} run${RUNS > 1 ? 's' : ''}).`,
    '',
    `The log: ${fmt(large.events)} events (${fmt(large.customers)} generated customers and what the engine derived), PII sealed`,
    'as the engine stores it. The rebuild folds the whole log into fresh tables (the 360, lifecycle,',
    'visitors), opening the sealed fields on the way, then swaps them in, in a process of its own whose',
    'peak RSS is its own. The target is the projection catch-up rate, measured in the same run the',
    `same way over a history a tenth the size (${fmt(small.events)} events), since this machine drifts between runs.`,
    '',
    '| figure | value | target | |',
    '| --- | ---: | --- | --- |',
    `| raw insert ceiling C (median) | ${fmt(median(ceilings))} events/s |  |  |`,
    `| catch-up over ${fmt(small.events)} events | ${fmt(median(smallRates))} events/s |  |  |`,
    `| rebuild of every projection from ${fmt(large.events)} events | ${fmt(median(rates))} events/s in ${fmt(median(runs.map((run) => run.seconds)))} s = ${ratio.toFixed(2)} C = ${toCatchUp.toFixed(2)} × the catch-up | ≥ 1.00 × the catch-up | ${toCatchUp >= 1 ? 'met' : 'not met'} |`,
    `| peak RSS of the rebuilding process | ${fmt(peak)} MiB | < 1,024 MiB | ${peak < 1024 ? 'met' : 'not met'} |`,
    '',
  ].join('\n');
  const file = recordResults(heading, section, 'rebuild', {
    date,
    commit,
    machine,
    command: 'npm run bench:rebuild',
    events: large.events,
    ceiling: { median: median(ceilings), runs: ceilings },
    catchUp: { events: small.events, median: median(smallRates), runs: smallRates },
    rebuild: { median: median(rates), runs: rates, seconds: runs.map((run) => run.seconds), ratioToCeiling: ratio, ratioToCatchUp: toCatchUp, target: 1 },
    peakRssMiB: peak,
  });
  process.stdout.write(`\n${section}\nwritten to ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
