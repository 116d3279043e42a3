/**
 * npm run bench — every benchmark, one after the other (each alone on the machine): appends and
 * HTTP ingest, projections, what one live event writes, the rules, queries, the peers side by side, the replay at scale, and
 * the whole engine.
 * Each writes its own section of docs/benchmarks.md and its figures in docs/benchmarks.json; this
 * adds the run itself (date, commit, how long each took). ONLY=append,saga runs a subset.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { commitOf, recordResults } from './bench-support';

const BENCHES = [
  { name: 'append', what: 'appends and HTTP ingest' },
  { name: 'rate-limit', what: 'counting a request against its key\'s rate limit' },
  { name: 'project', what: 'projection catch-up, delay and memory' },
  { name: 'fold-cost', what: 'what one live event writes, before and after' },
  { name: 'saga', what: 'the customer pass with its rules, and webhook delivery' },
  { name: 'query', what: 'the marketing queries over 1,000,000 customers' },
  { name: 'peers', what: 'journey beside Emmett and Message DB' },
  { name: 'rebuild', what: 'every projection rebuilt from 10,000,000 events' },
  { name: 'segments', what: 'segment backfill over 1,000,000 customers, the live pass with 50 segments, event to SegmentEntered' },
  { name: 'engine', what: 'the whole engine as users run it, with one process and two' },
] as const;

function main(): void {
  const only = process.env.ONLY?.split(',').map((name) => name.trim());
  const chosen = BENCHES.filter((bench) => !only || only.includes(bench.name));
  const started = new Date();
  const results: Array<{ name: string; what: string; seconds: number; ok: boolean }> = [];
  for (const bench of chosen) {
    process.stdout.write(`\n=== npm run bench:${bench.name}: ${bench.what}\n`);
    const t0 = performance.now();
    const run = spawnSync(process.execPath, [join(__dirname, `${bench.name}.bench.js`)], { stdio: 'inherit' });
    results.push({ ...bench, seconds: (performance.now() - t0) / 1000, ok: run.status === 0 });
  }
  const heading = '## The full run (`npm run bench`)';
  const section = [
    heading,
    '',
    `Started ${started.toISOString()} on commit ${commitOf()}; each benchmark ran alone, in this order, and wrote its own section below (a section measured again since says so by its own date and commit).`,
    '',
    '| benchmark | measures | minutes | |',
    '| --- | --- | ---: | --- |',
    ...results.map((r) => `| \`npm run bench:${r.name}\` | ${r.what} | ${(r.seconds / 60).toFixed(1)} | ${r.ok ? 'done' : 'FAILED'} |`),
    '',
  ].join('\n');
  // A subset (ONLY=…) leaves the record of the last full run as it was; its benchmarks' sections are new.
  if (!only) recordResults(heading, section, 'run', { started: started.toISOString(), commit: commitOf(), command: 'npm run bench', benches: results });
  process.stdout.write(`\n${section}`);
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}

main();
