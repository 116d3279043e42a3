/**
 * npm run bench:rate-limit — a part alone: what counting one request against its key's rate
 * limit costs, by how many requests the key's window already holds, for the engine's storage
 * (SlidingWindowCounts) and for @nestjs/throttler's own (ThrottlerStorageService), in the same
 * run. A key of the default ingest limit (20,000 a second) used near it holds up to 20,000
 * requests in its window. RUNS (3) and CALLS (20,000 timed calls per point) tune it.
 */
import { ThrottlerStorageService } from '@nestjs/throttler';
import { SlidingWindowCounts } from '@journey/platform';
import { benchDatabaseUrl, ceiling, commitOf, describeMachine, fmt, freshJourneySchema, median, recordResults } from './bench-support';

const RUNS = Number(process.env.RUNS ?? 3);
const CALLS = Number(process.env.CALLS ?? 20_000);
const HELD = [100, 1_000, 5_000, 10_000];
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

async function main(): Promise<void> {
  const url = await benchDatabaseUrl('journey_bench_rate_limit');
  const machine = await describeMachine(url);
  const ceilings: number[] = [];
  const results = STORAGES.map(() => HELD.map(() => [] as number[]));
  for (let run = 1; run <= RUNS; run++) {
    await freshJourneySchema(url);
    ceilings.push(await ceiling(url, 5));
    for (const [s, storage] of STORAGES.entries()) {
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
  const section = [
    HEADING,
    '',
    'A part alone: counting one request against its API key\'s rate limit (the guard\'s storage), without HTTP; the ingest service with the limits on is measured by `npm run bench:append`.',
    '',
    `Measured ${new Date().toISOString()} on commit ${commitOf()}: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os},`,
    `Node ${machine.node}. Command: \`npm run bench:rate-limit\` (${RUNS} runs of ${fmt(CALLS)} timed requests per point, medians; C measured in each run, median ${fmt(c)} events/s).`,
    '',
    'Each point fills a fresh key\'s window with N requests, then times N more (the window is long enough that none',
    'leaves it meanwhile), so the window holds from N to 2N requests; again until the point has timed CALLS requests.',
    'A key used near the default ingest limit (20,000 a second) holds up to 20,000.',
    '',
    `| storage | ${HELD.map((held) => `${fmt(held)}–${fmt(2 * held)} in the window`).join(' | ')} |`,
    `| --- | ${HELD.map(() => '---:').join(' | ')} |`,
    ...STORAGES.map((storage, s) => `| ${storage.label} | ${HELD.map((_, h) => `${median(results[s]![h]!).toFixed(2)} µs`).join(' | ')} |`),
    '',
  ].join('\n');
  const file = recordResults(HEADING, section, 'rateLimit', {
    commit: commitOf(),
    ceiling: c,
    microsPerRequest: Object.fromEntries(STORAGES.map((storage, s) => [storage.label, Object.fromEntries(HELD.map((held, h) => [held, median(results[s]![h]!)]))])),
  });
  process.stdout.write(`\n${section}\nwritten to ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
