/**
 * npm run bench:project — the customer projection: catch-up over a generated history of about a
 * million events (beside the raw insert ceiling C of the same run), the delay from an accepted
 * event to its effect in the 360 while ingest runs at 5,000 events/s, and the projector's peak
 * memory. Writes its section of docs/benchmarks.md. EVENTS, RUNS, LOAD_SECONDS tune it.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { seedHistory } from './bench-history';
import { EngineProcess, PROCESS_ADMIN_KEY } from '../support/engine-process';
import { dataset } from '@journey/datagen';
import { benchDatabaseUrl, ceiling, commitOf, describeMachine, fmt, median, recordResults, spreadText } from './bench-support';

const EVENTS = Number(process.env.EVENTS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 3);
const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? 20);
const EVENTS_PER_CUSTOMER = 72;

interface CatchUp {
  readonly events: number;
  readonly seconds: number;
  readonly maxRssMiB: number;
}

function catchUp(url: string): CatchUp {
  const worker = join(__dirname, 'project-worker.js');
  return JSON.parse(execFileSync(process.execPath, [worker, url], { encoding: 'utf8', maxBuffer: 1 << 20 })) as CatchUp;
}

/** Ingest at a steady rate through HTTP, then the p99 of the projector's delay histogram. */
async function delayUnderLoad(url: string): Promise<{ p50: number; p99: number; rate: number; rssMiB: number }> {
  const engine = new EngineProcess({ DATABASE_URL: url, LOG_LEVEL: 'info', JOURNEY_RFM_INTERVAL_SECONDS: '0', JOURNEY_RATE_LIMITS: 'off' });
  await engine.start();
  try {
    // A realistic mix: the events of other generated customers, ten per request, in their order.
    const until = new Date();
    const bodies: string[] = [];
    let batch: string[] = [];
    for (const customer of dataset({ seed: 99, customers: Math.ceil((LOAD_SECONDS * 5000 * 1.2) / EVENTS_PER_CUSTOMER), until }, until).customers()) {
      for (const event of customer.events) {
        batch.push(JSON.stringify(event));
        if (batch.length === 10) {
          bodies.push(`{"events":[${batch.join(',')}]}`);
          batch = [];
        }
      }
    }
    let next = 0;
    const result = await autocannon({
      url: `${engine.url}/v1/events`,
      connections: 16,
      duration: LOAD_SECONDS,
      overallRate: 500,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${PROCESS_ADMIN_KEY}` },
          setupRequest: (request: Record<string, unknown>) => ({ ...request, body: bodies[next++ % bodies.length] }),
        },
      ],
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const metrics = await (await fetch(`${engine.url}/metrics`, { headers: engine.headers() })).text();
    const rss = readFileSync(`/proc/${engine.pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
    return {
      p50: histogramQuantile(metrics, 'journey_projection_delay_seconds', 0.5),
      p99: histogramQuantile(metrics, 'journey_projection_delay_seconds', 0.99),
      rate: (result['2xx'] * 10) / result.duration,
      rssMiB: rss ? Number(rss[1]) / 1024 : Number.NaN,
    };
  } finally {
    await engine.stop();
  }
}

/** The upper bound of the bucket holding quantile q (histograms are counted per bucket). */
function histogramQuantile(metrics: string, name: string, q: number): number {
  const buckets = [...metrics.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`, 'gm'))].map((m) => [Number(m[1]), Number(m[2])] as const);
  const total = buckets[buckets.length - 1]?.[1] ?? 0;
  for (const [le, count] of buckets) if (count >= q * total) return le;
  return Number.POSITIVE_INFINITY;
}

async function main(): Promise<void> {
  const url = await benchDatabaseUrl('journey_bench_project');
  const machine = await describeMachine(url);
  const seeded = await seedHistory(url, EVENTS);

  const ceilings: number[] = [];
  const rates: number[] = [];
  const rss: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    ceilings.push(await ceiling(url, 5));
    const result = catchUp(url);
    rates.push(result.events / result.seconds);
    rss.push(result.maxRssMiB);
    process.stdout.write(`run ${run}: C ${fmt(ceilings.at(-1)!)} events/s; catch-up ${fmt(result.events)} events in ${result.seconds.toFixed(1)} s = ${fmt(rates.at(-1)!)} events/s, peak RSS ${fmt(result.maxRssMiB)} MiB\n`);
  }
  const delay = await delayUnderLoad(url);
  process.stdout.write(`under ${fmt(delay.rate)} events/s of ingest: projection delay p50 ≤ ${delay.p50 * 1000} ms, p99 ≤ ${delay.p99 * 1000} ms\n`);

  const ratio = median(rates.map((rate, i) => rate / ceilings[i]!));
  const date = new Date().toISOString();
  const commit = commitOf();
  const section = [
    '## Projections (`npm run bench:project`)',
    '',
    'A part alone: the customer projection, catching up over a history into empty tables and folding at a fixed ingest rate; the whole engine as users run it is measured by `npm run bench:engine`.',
    '',
    `Measured ${date} on commit ${commit}: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os},`,
    `Node ${machine.node}, PostgreSQL ${machine.postgres}. Command: \`npm run bench:project\` (${RUNS} runs).`,
    '',
    `The history: ${fmt(seeded.events)} events of ${fmt(seeded.customers)} generated customers (\`journey seed\`). Catch-up is a`,
    'full rebuild of the customer projection (360, lifecycle, identities) into fresh tables, in a',
    'process of its own, measured beside C of the same run. The delay is from an event being',
    'recorded to the commit of the projector batch that folded it, read from the projector\'s own',
    'histogram (so quoted as the bucket bound), with HTTP ingest running at the rate shown.',
    '',
    '| figure | value | target | |',
    '| --- | ---: | --- | --- |',
    `| raw insert ceiling C (median) | ${fmt(median(ceilings))} events/s |  |  |`,
    `| catch-up of all projections (median, min–max) | ${spreadText(rates)} events/s = ${ratio.toFixed(2)} C | ≥ 0.70 C | ${ratio >= 0.7 ? 'met' : 'not met'} |`,
    `| projector peak RSS during catch-up (max) | ${fmt(Math.max(...rss))} MiB | < 400 MiB | ${Math.max(...rss) < 400 ? 'met' : 'not met'} |`,
    `| ingest rate during the delay measurement | ${fmt(delay.rate)} events/s | 5,000 events/s |  |`,
    `| accepted event → effect in the 360, p50 | ≤ ${fmt(delay.p50 * 1000)} ms |  |  |`,
    `| accepted event → effect in the 360, p99 | ≤ ${fmt(delay.p99 * 1000)} ms | < 250 ms | ${delay.p99 < 0.25 ? 'met' : 'not met'} |`,
    `| engine (ingest + projector) peak RSS under that load | ${fmt(delay.rssMiB)} MiB |  |  |`,
    '',
  ].join('\n');
  const file = recordResults('## Projections (`npm run bench:project`)', section, 'project', {
    date,
    commit,
    machine,
    command: 'npm run bench:project',
    events: seeded.events,
    ceiling: { median: median(ceilings), runs: ceilings },
    catchUp: { median: median(rates), runs: rates, ratioToCeiling: ratio, target: 0.7 },
    peakRssMiB: Math.max(...rss),
    delay: { ingestRate: delay.rate, p50: delay.p50, p99: delay.p99, target: 0.25 },
  });
  process.stdout.write(`\n${section}\nwritten to ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
