/**
 * npm run bench:rate-limit — what the per-key rate limits cost. Counting alone: one request
 * counted against its key, by how many requests the key's window already holds, for the
 * engine's storage (SlidingWindowCounts) and for @nestjs/throttler's own (ThrottlerStorageService),
 * in the same run (a key of the default ingest limit, 20,000 a second, used near it holds up to
 * 20,000). The ingest service: its CPU per request at fixed offered rates of one event per request,
 * with its limits on (the default) and off, in turns in the same run. RUNS (3), CALLS (20,000
 * timed calls per point), RATES (2000,4000 requests a second) and PARTS (counting,ingest) tune it.
 */
import { ThrottlerStorageService } from '@nestjs/throttler';
import { SlidingWindowCounts } from '@journey/platform';
import { EngineProcess } from '../support/engine-process';
import { benchDatabaseUrl, ceiling, commitOf, describeMachine, fmt, freshJourneySchema, median, purchaseBodies, recordResults, Streams } from './bench-support';
import { cpuSeconds, ingestKey } from './engine-processes';
import { postLoad } from './load-generator';

const RUNS = Number(process.env.RUNS ?? 3);
const CALLS = Number(process.env.CALLS ?? 20_000);
const HELD = [100, 1_000, 5_000, 10_000];
const RATES = (process.env.RATES ?? '2000,4000').split(',').filter(Boolean).map(Number);
const PARTS = (process.env.PARTS ?? 'counting,ingest').split(',');
const LIMITS = ['on', 'off'] as const;
const INGEST_SECONDS = 15;
const WARM_UP_SECONDS = 3;
// A window long enough that nothing leaves it while a point is measured.
const TTL_MS = 600_000;
const HEADING = '## Rate limits (`npm run bench:rate-limit`)';

interface Storage {
  increment(key: string, ttl: number, limit: number, blockDuration: number, name: string): Promise<unknown>;
}

const STORAGES: ReadonlyArray<{ readonly label: string; readonly make: () => Storage; readonly close?: (storage: Storage) => void }> = [
  { label: 'SlidingWindowCounts (the engine)', make: () => new SlidingWindowCounts() },
  {
    label: "ThrottlerStorageService (@nestjs/throttler's own)",
    make: () => new ThrottlerStorageService(),
    close: (storage) => (storage as ThrottlerStorageService).onApplicationShutdown(),
  },
];

/**
 * Microseconds per request counted while the key's window holds from `held` to 2 × `held`
 * requests: a fresh key filled with `held`, then `held` more timed, again until CALLS are timed.
 */
async function perRequest(make: () => Storage, held: number, close?: (storage: Storage) => void): Promise<number> {
  let timed = 0;
  let nanos = 0n;
  while (timed < CALLS) {
    const storage = make();
    const limit = 2 * held + 1;
    for (let i = 0; i < held; i++) await storage.increment('key:bench', TTL_MS, limit, TTL_MS, 'default');
    const started = process.hrtime.bigint();
    for (let i = 0; i < held; i++) await storage.increment('key:bench', TTL_MS, limit, TTL_MS, 'default');
    nanos += process.hrtime.bigint() - started;
    timed += held;
    close?.(storage);
  }
  return Number(nanos) / 1000 / timed;
}

interface IngestFigures {
  /** The ingest process's CPU per request accepted, in µs. */
  readonly micros: number;
  /** Requests accepted per second (below the offered rate when the service could not keep up). */
  readonly rate: number;
}

/**
 * The ingest service alone (as `npm run bench:append` runs it), posted to through an ingest key at
 * `rate` requests a second of one purchase each over 64 connections; its CPU over the stretch.
 */
async function ingest(url: string, rate: number, limits: (typeof LIMITS)[number]): Promise<IngestFigures> {
  await freshJourneySchema(url);
  // On: the defaults (whatever this shell's environment says); off: none.
  const engine = new EngineProcess({ DATABASE_URL: url, LOG_LEVEL: 'info', JOURNEY_RATE_LIMITS: limits === 'off' ? 'off' : '' }, 'ingest');
  await engine.start();
  try {
    const key = await ingestKey(engine);
    const body = purchaseBodies(new Streams());
    const load = (seconds: number) =>
      postLoad({ url: engine.url, path: '/v1/events', connections: 64, seconds, rate, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
    await load(WARM_UP_SECONDS);
    const before = cpuSeconds([engine]).engine;
    const result = await load(INGEST_SECONDS);
    const used = cpuSeconds([engine]).engine - before;
    if (result.failed > 0) throw new Error(`ingest at ${rate}/s, limits ${limits}: ${result.failed} answers that are not 2xx (${JSON.stringify([...result.statuses])})`);
    return { micros: (used / result.ok) * 1e6, rate: result.ok / result.seconds };
  } finally {
    await engine.stop();
  }
}

async function main(): Promise<void> {
  const url = await benchDatabaseUrl('journey_bench_rate_limit');
  const machine = await describeMachine(url);
  const ceilings: number[] = [];
  const results = STORAGES.map(() => HELD.map(() => [] as number[]));
  const ingestRuns = RATES.map(() => LIMITS.map(() => [] as IngestFigures[]));
  for (let run = 1; run <= RUNS; run++) {
    await freshJourneySchema(url);
    ceilings.push(await ceiling(url, 5));
    for (const [r, rate] of (PARTS.includes('ingest') ? RATES : []).entries()) {
      for (const [l, limits] of LIMITS.entries()) {
        const figures = await ingest(url, rate, limits);
        ingestRuns[r]![l]!.push(figures);
        process.stdout.write(`run ${run}: ingest at ${fmt(rate)} requests/s, limits ${limits}: ${fmt(figures.rate)} accepted/s, ${fmt(figures.micros)} µs of CPU per request\n`);
      }
    }
    for (const [s, storage] of (PARTS.includes('counting') ? STORAGES : []).entries()) {
      // Compiled and warm before the first point.
      await perRequest(storage.make, 1_000, storage.close);
      for (const [h, held] of HELD.entries()) {
        const micros = await perRequest(storage.make, held, storage.close);
        results[s]![h]!.push(micros);
        process.stdout.write(`run ${run}: ${storage.label}, ${fmt(held)} requests in the window: ${micros.toFixed(2)} µs per request\n`);
      }
    }
  }
  const c = median(ceilings);
  const counting = PARTS.includes('counting')
    ? [
        'Counting alone: each point fills a fresh key\'s window with N requests, then times N more (the window is long',
        'enough that none leaves it meanwhile), so the window holds from N to 2N requests; again until the point has',
        `timed ${fmt(CALLS)} requests. A key used near the default ingest limit (20,000 a second) holds up to 20,000.`,
        '',
        `| storage | ${HELD.map((held) => `${fmt(held)}–${fmt(2 * held)} in the window`).join(' | ')} |`,
        `| --- | ${HELD.map(() => '---:').join(' | ')} |`,
        ...STORAGES.map((storage, s) => `| ${storage.label} | ${HELD.map((_, h) => `${median(results[s]![h]!).toFixed(2)} µs`).join(' | ')} |`),
        '',
      ]
    : [];
  const ingestLines = PARTS.includes('ingest')
    ? [
        'The ingest service alone (services/ingest, as `npm run bench:append` runs it), posted to through one ingest key',
        `at a fixed offered rate of one purchase per request over 64 connections, for ${INGEST_SECONDS} s after ${WARM_UP_SECONDS} s of warm-up; CPU`,
        'is the ingest process\'s (user and system, /proc) divided by the requests accepted. Limits on is the default',
        '(ingest=20000/1s), off is `JOURNEY_RATE_LIMITS=off`; the two ran in turns in each run.',
        '',
        '| offered requests/s | limits | accepted/s (median) | CPU per request (median, min–max) |',
        '| ---: | --- | ---: | ---: |',
        ...RATES.flatMap((rate, r) =>
          LIMITS.map((limits, l) => {
            const runs = ingestRuns[r]![l]!;
            const micros = runs.map((run) => run.micros);
            return `| ${fmt(rate)} | ${limits} | ${fmt(median(runs.map((run) => run.rate)))} | ${fmt(median(micros))} µs (${fmt(Math.min(...micros))}–${fmt(Math.max(...micros))}) |`;
          }),
        ),
        '',
      ]
    : [];
  const section = [
    HEADING,
    '',
    'A part alone: the per-key rate limits, counted without HTTP and in the ingest service alone; the whole engine as users run it (its limits on) is measured by `npm run bench:engine`.',
    '',
    `Measured ${new Date().toISOString()} on commit ${commitOf()}: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os},`,
    `Node ${machine.node}, PostgreSQL ${machine.postgres}. Command: \`npm run bench:rate-limit\` (${RUNS} runs, medians; C measured first in each run, median ${fmt(c)} events/s).`,
    '',
    ...counting,
    ...ingestLines,
  ].join('\n');
  const full = PARTS.includes('counting') && PARTS.includes('ingest') && process.env.RATES === undefined && process.env.CALLS === undefined;
  if (!full) {
    process.stdout.write(`\n${section}\n(a partial run: docs/benchmarks.md is left as it was)\n`);
    return;
  }
  const file = recordResults(HEADING, section, 'rateLimit', {
    commit: commitOf(),
    ceiling: c,
    microsPerRequest: Object.fromEntries(STORAGES.map((storage, s) => [storage.label, Object.fromEntries(HELD.map((held, h) => [held, median(results[s]![h]!)]))])),
    ingestMicrosPerRequest: Object.fromEntries(RATES.map((rate, r) => [rate, Object.fromEntries(LIMITS.map((limits, l) => [limits, median(ingestRuns[r]![l]!.map((run) => run.micros))]))])),
  });
  process.stdout.write(`\n${section}\nwritten to ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
