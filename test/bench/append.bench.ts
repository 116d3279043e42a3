/**
 * npm run bench:append — appends through the library and through HTTP ingest, each figure beside
 * the raw insert ceiling C measured in the same run (the machine's speed drifts between runs).
 * Writes docs/benchmarks.md and docs/benchmarks.json. DURATION (seconds per point, default 5)
 * and RUNS (default 3) tune it; POINTS=lib-1x64,http-500x8 measures those points beside C and
 * only prints them, leaving the recorded figures as they were.
 */
import 'reflect-metadata';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { PgDatabase } from '@journey/database';
import { EngineProcess } from '../support/engine-process';
import { ingestKey } from './engine-processes';
import { postLoad } from './load-generator';
import { benchDatabaseUrl, ceiling, commitOf, describeMachine, fmt, freshJourneySchema, median, purchaseBodies, purchaseEvent, recordResults, spreadOf, Streams, timedLoops, type Machine } from './bench-support';

const DURATION = Number(process.env.DURATION ?? 5);
const RUNS = Number(process.env.RUNS ?? 3);
const WARM_UP_SECONDS = 1;

interface Point {
  readonly id: string;
  readonly label: string;
  readonly kind: 'ceiling' | 'library' | 'http';
  readonly perCall: number;
  readonly callers: number;
  /** The target as a fraction of C, when the issue sets one. */
  readonly target?: number;
}

const POINTS: Point[] = [
  { id: 'ceiling', label: 'raw INSERT … SELECT FROM unnest, 1,000-row batches, 2 connections (C)', kind: 'ceiling', perCall: 1000, callers: 2 },
  { id: 'lib-1000x2', label: 'library append, 1,000 events per call, 2 callers', kind: 'library', perCall: 1000, callers: 2, target: 0.9 },
  { id: 'lib-1000x8', label: 'library append, 1,000 events per call, 8 callers', kind: 'library', perCall: 1000, callers: 8 },
  { id: 'lib-10x8', label: 'library append, 10 events per call, 8 callers', kind: 'library', perCall: 10, callers: 8, target: 0.55 },
  { id: 'lib-10x64', label: 'library append, 10 events per call, 64 callers', kind: 'library', perCall: 10, callers: 64 },
  { id: 'lib-1x8', label: 'library append, 1 event per call, 8 callers', kind: 'library', perCall: 1, callers: 8, target: 0.15 },
  { id: 'lib-1x64', label: 'library append, 1 event per call, 64 callers', kind: 'library', perCall: 1, callers: 64, target: 0.45 },
  { id: 'http-1x8', label: 'HTTP ingest, 1 event per request, 8 connections', kind: 'http', perCall: 1, callers: 8 },
  { id: 'http-1x64', label: 'HTTP ingest, 1 event per request, 64 connections', kind: 'http', perCall: 1, callers: 64, target: 0.15 },
  { id: 'http-10x8', label: 'HTTP ingest, 10 events per request, 8 connections', kind: 'http', perCall: 10, callers: 8 },
  { id: 'http-10x64', label: 'HTTP ingest, 10 events per request, 64 connections', kind: 'http', perCall: 10, callers: 64 },
  { id: 'http-500x8', label: 'HTTP ingest, 500 events per request, 8 connections', kind: 'http', perCall: 500, callers: 8, target: 0.45 },
  { id: 'http-1000x8', label: 'HTTP ingest, 1,000 events per request, 8 connections', kind: 'http', perCall: 1000, callers: 8 },
  { id: 'http-1000x64', label: 'HTTP ingest, 1,000 events per request, 64 connections', kind: 'http', perCall: 1000, callers: 64 },
];


async function library(url: string, point: Point): Promise<number> {
  const db = new PgDatabase({ url, poolSize: 10, applicationName: 'journey-bench' });
  const store = new PostgresEventStore(db);
  const streams = new Streams();
  let n = 0;
  try {
    return await timedLoops(point.callers, DURATION, async () => {
      await store.append(streams.pick(), Array.from({ length: point.perCall }, () => purchaseEvent(n++)));
      return point.perCall;
    });
  } finally {
    await store.close();
    await db.close();
  }
}

/**
 * The load generator runs in this process, beside the engine's, and is kept as cheap as it can be
 * (test/bench/load-generator.ts): request bodies are put together from prebuilt JSON around fresh
 * ids. Its own CPU share is reported beside the figure.
 */
async function http(engine: EngineProcess, point: Point): Promise<{ value: number; loadCores: number }> {
  const event = purchaseBodies(new Streams());
  const body = () => (point.perCall === 1 ? event() : `{"events":[${Array.from({ length: point.perCall }, event).join(',')}]}`);
  // An ingest key, as a producer has: counted against the ingest role's rate limit.
  const key = await ingestKey(engine);
  const load = async (seconds: number) => {
    const result = await postLoad({
      url: engine.url,
      path: '/v1/events',
      connections: point.callers,
      seconds,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body,
    });
    if (result.failed > 0) {
      throw new Error(`${point.id}: ${result.failed} answers that are not 2xx (${JSON.stringify([...result.statuses])})`);
    }
    return result;
  };
  // The service was just started: its first second (compiling the hot path) is not measured.
  await load(WARM_UP_SECONDS);
  const result = await load(DURATION);
  return { value: (result.ok * point.perCall) / result.seconds, loadCores: result.cores };
}

interface Row {
  readonly point: Point;
  readonly runs: number[];
  readonly ratios: number[];
  /** HTTP points: the load generator's CPU per run, in cores. */
  readonly loadCores: number[];
}

/** The points this run measures: all of them, or C and the ones POINTS names. */
function pointsToMeasure(): { readonly points: Point[]; readonly subset: boolean } {
  const only = process.env.POINTS?.split(',').map((id) => id.trim()).filter((id) => id.length > 0);
  if (!only || only.length === 0) return { points: POINTS, subset: false };
  const unknown = only.filter((id) => !POINTS.some((point) => point.id === id));
  if (unknown.length > 0) throw new Error(`POINTS names unknown points: ${unknown.join(', ')} (known: ${POINTS.map((p) => p.id).join(', ')})`);
  return { points: POINTS.filter((point) => point.kind === 'ceiling' || only.includes(point.id)), subset: true };
}

async function main(): Promise<void> {
  const { points, subset } = pointsToMeasure();
  const url = await benchDatabaseUrl('journey_bench');
  const machine = await describeMachine(url);

  const results = new Map<string, number[]>(points.map((p) => [p.id, []]));
  const loadCores = new Map<string, number[]>(points.map((p) => [p.id, []]));
  for (let run = 1; run <= RUNS; run++) {
    for (const point of points.filter((p) => p.kind !== 'http')) {
      await freshJourneySchema(url);
      const value = point.kind === 'ceiling' ? await ceiling(url, DURATION) : await library(url, point);
      results.get(point.id)!.push(value);
      process.stdout.write(`run ${run}: ${point.label}: ${fmt(value)} events/s\n`);
    }
    for (const point of points.filter((p) => p.kind === 'http')) {
      await freshJourneySchema(url);
      // The ingest service alone, as a deployment that scales ingest runs it (its rate limits on).
      const engine = new EngineProcess({ DATABASE_URL: url, LOG_LEVEL: 'info' }, 'ingest');
      await engine.start();
      try {
        const { value, loadCores: cores } = await http(engine, point);
        results.get(point.id)!.push(value);
        loadCores.get(point.id)!.push(cores);
        process.stdout.write(`run ${run}: ${point.label}: ${fmt(value)} events/s\n`);
      } finally {
        await engine.stop();
      }
    }
  }

  const ceilings = results.get('ceiling')!;
  const rows: Row[] = points.map((point) => {
    const runs = results.get(point.id)!;
    return { point, runs, ratios: runs.map((value, i) => value / ceilings[i]!), loadCores: loadCores.get(point.id)! };
  });
  write(machine, rows, subset);
}

function write(machine: Machine, rows: readonly Row[], subset: boolean): void {
  const date = new Date().toISOString();
  const commit = commitOf();
  const c = median(rows[0]!.runs);
  const lines = rows.map(({ point, runs, ratios, loadCores: cores }) => {
    const ratio = median(ratios);
    const target = point.target === undefined ? '' : `≥ ${point.target.toFixed(2)} C`;
    const verdict = point.target === undefined ? '' : ratio >= point.target ? 'met' : 'not met';
    const load = cores.length > 0 ? median(cores).toFixed(2) : '';
    // Three decimals: a ratio just under its target must not print as the target.
    return `| ${point.label} | ${fmt(median(runs))} | ${fmt(Math.min(...runs))}–${fmt(Math.max(...runs))} | ${point.kind === 'ceiling' ? '1.000 C' : `${ratio.toFixed(3)} C`} | ${target} | ${verdict} | ${load} |`;
  });
  const section = [
    '## Appends (`npm run bench:append`)',
    '',
    'A part alone: appends through the library, and the ingest service by itself with no projector or saga beside it; the whole engine as users run it is measured by `npm run bench:engine`.',
    '',
    `Measured ${date} on commit ${commit}: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os},`,
    `Node ${machine.node}, PostgreSQL ${machine.postgres} (stock settings, synchronous commit on), over TCP on 127.0.0.1.`,
    `Command: \`npm run bench:append\` (${RUNS} runs of ${DURATION} s per point, HTTP points after ${WARM_UP_SECONDS} s of warm-up; each run measures C first).`,
    '',
    'Events are purchases of about 400 bytes, to streams picked at random among 10,000; every point',
    'starts on an empty store (C on an empty table of the same shape). HTTP points run the ingest',
    'service (services/ingest: the ingest API alone, no projector or saga beside it; posted to with an ingest key,',
    'its rate limit on as by default: 20,000 requests a second per key) and the load',
    'generator (test/bench/load-generator.ts, keep-alive HTTP/1.1, one request in flight per',
    'connection) on the same cores; its own CPU is the last column. The ratio',
    'is the median over the runs of (figure ÷ C of the same run): the machine drifts between runs,',
    `the ratios much less. C here: median ${fmt(c)} events/s.`,
    '',
    '| scenario | events/s (median) | min–max | ratio to C | target | | load generator (cores) |',
    '| --- | ---: | ---: | ---: | --- | --- | ---: |',
    ...lines,
    '',
  ].join('\n');

  if (subset) {
    process.stdout.write(`\n${section}\n(a subset of the points: docs/benchmarks.md is left as it was)\n`);
    return;
  }
  const file = recordResults('## Appends (`npm run bench:append`)', section, 'append', {
    date,
    commit,
    machine,
    command: 'npm run bench:append',
    runs: RUNS,
    durationSeconds: DURATION,
    points: rows.map(({ point, runs, ratios, loadCores: cores }) => ({
      id: point.id,
      label: point.label,
      eventsPerSecond: spreadOf(runs),
      ratioToCeiling: median(ratios),
      target: point.target ?? null,
      loadGeneratorCores: cores.length > 0 ? median(cores) : null,
    })),
  });
  process.stdout.write(`\n${section}\nwritten to ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
