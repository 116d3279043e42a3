/**
 * npm run bench:query — marketing's reads over a million customers, over HTTP against the engine
 * with a marketing key: the customer 360 by id, filtered pages of 100 (following some cursors),
 * and the streaming CSV export. Writes its section of docs/benchmarks.md. CUSTOMERS, BASE,
 * RUNS, SECONDS and CONNECTIONS tune it; REUSE=1 measures again over the population a previous
 * run left in its database instead of building it anew.
 */
import 'reflect-metadata';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { PgDatabase } from '@journey/database';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';
import { LIVE_TABLES } from '@journey/projections';
import { filterSql, parseFilter } from '../../services/query/src/customers/customer-filter';
import { EngineProcess } from '../support/engine-process';
import { benchDatabaseUrl, commitOf, describeMachine, fmt, keptBenchDatabaseUrl, median, quantile, recordResults, spreadOf, spreadText as spread } from './bench-support';
import { populate, type Population } from './query-seed';

const CUSTOMERS = Number(process.env.CUSTOMERS ?? 1_000_000);
const BASE = Number(process.env.BASE ?? 5000);
const RUNS = Number(process.env.RUNS ?? 3);
const SECONDS = Number(process.env.SECONDS ?? 10);
const WARMUP_SECONDS = 2;
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 8);
const REUSE = process.env.REUSE === '1';
/** A run starts once other processes use less than this share of the CPU, or after QUIET_WAIT_MINUTES. */
const QUIET = 0.15;
const QUIET_WAIT_MINUTES = Number(process.env.QUIET_WAIT_MINUTES ?? 3);
const DATABASE = 'journey_bench_query';
const HEADING = '## Queries (`npm run bench:query`)';
const DAY = 86_400_000;

const TARGET_360_P99_MS = 5;
const TARGET_PAGE_P99_MS = 50;
const TARGET_EXPORT_ROWS_PER_S = 50_000;

/** What marketing filters by (the query string of GET /v1/customers and of the export). */
function filterMix(now: Date): Array<{ name: string; query: Record<string, string> }> {
  const daysAgo = (days: number) => new Date(now.getTime() - days * DAY).toISOString().slice(0, 10);
  return [
    { name: 'at-risk high value', query: { stage: 'at_risk', tier: 'high' } },
    { name: "Can't Lose Them with e-mail consent", query: { segment: "Can't Lose Them", consent: 'email:marketing' } },
    { name: 'Champions in DE', query: { segment: 'Champions', country: 'DE' } },
    { name: 'FR, e-mail consent', query: { country: 'FR', consent: 'email:marketing' } },
    { name: 'lapsed 90 days, net revenue ≥ 500', query: { lastPurchaseBefore: daysAgo(90), minRevenue: '50000' } },
    { name: 'loyal or repeat in GB, SMS consent', query: { stage: 'loyal,repeat', country: 'GB', consent: 'sms:marketing' } },
    { name: 'medium tier, bought in the last 30 days', query: { tier: 'medium', lastPurchaseAfter: daysAgo(30) } },
    { name: 'churned in Berlin', query: { city: 'Berlin', stage: 'churned' } },
    { name: 'open ticket', query: { openTicket: 'true' } },
    { name: 'US, net revenue ≥ 1,000, bought in the last year', query: { country: 'US', minRevenue: '100000', lastPurchaseAfter: daysAgo(365) } },
    { name: 'reactivated, high or medium tier', query: { stage: 'reactivated', tier: 'high,medium' } },
    { name: 'everyone', query: {} },
  ];
}

/** The export's filtered case: a campaign audience. */
const EXPORT_FILTER = { consent: 'email:marketing', stage: 'repeat,loyal,reactivated' };

/** A timed GET of the API, tagged to tell its latencies apart; answers its body. */
type Get = (path: string, tag?: number) => Promise<string>;

interface Load {
  readonly latencies: number[];
  /** The latencies by the tag their requests were given. */
  readonly tagged: ReadonlyMap<number, number[]>;
  readonly requests: number;
  readonly seconds: number;
}

/**
 * Closed loops of clients on keep-alive connections, each running a session again and again;
 * every request is timed with performance.now() once the warm-up is over.
 */
class Client {
  private readonly agent: Agent;

  constructor(
    private readonly port: number,
    private readonly key: string,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 64 });
  }

  /** One GET: its status and body. */
  get(path: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: this.port, path, agent: this.agent, headers: { authorization: `Bearer ${this.key}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** Streams a GET, counting its lines: the CSV export. */
  lines(path: string): Promise<{ status: number; lines: number; bytes: number }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: this.port, path, agent: this.agent, headers: { authorization: `Bearer ${this.key}` } }, (res) => {
        let lines = 0;
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines++;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, lines, bytes }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  async load(session: (get: Get) => Promise<void>, connections: number, seconds = SECONDS): Promise<Load> {
    const latencies: number[] = [];
    const tagged = new Map<number, number[]>();
    const warm = performance.now() + WARMUP_SECONDS * 1000;
    const deadline = warm + seconds * 1000;
    let first = Number.NaN;
    let last = Number.NaN;
    const get = async (path: string, tag = 0): Promise<string> => {
      const started = performance.now();
      const { status, body } = await this.get(path);
      const ended = performance.now();
      if (status !== 200) throw new Error(`GET ${path} answered ${status}: ${body.slice(0, 300)}`);
      // Every request sent in the window counts, however long it takes (the slow ones included).
      if (started >= warm && started < deadline) {
        first = Number.isNaN(first) ? started : Math.min(first, started);
        last = Number.isNaN(last) ? ended : Math.max(last, ended);
        latencies.push(ended - started);
        const list = tagged.get(tag) ?? [];
        list.push(ended - started);
        tagged.set(tag, list);
      }
      return body;
    };
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < deadline) await session(get);
      }),
    );
    return { latencies, tagged, requests: latencies.length, seconds: (last - first) / 1000 };
  }

  close(): void {
    this.agent.destroy();
  }
}

interface Figures {
  readonly p50: number;
  readonly p99: number;
  readonly rate: number;
}

function figuresOf(load: Load): Figures {
  return { p50: quantile(load.latencies, 0.5), p99: quantile(load.latencies, 0.99), rate: load.requests / load.seconds };
}

/** The customer ids: the generator's c1-1 … c1-<CUSTOMERS>; the first BASE have their history in the log. */
function randomId(count: number): string {
  return `c1-${1 + Math.floor(Math.random() * count)}`;
}

async function describePopulation(url: string, now: Date): Promise<Population> {
  const db = new PgDatabase({ url, poolSize: 1 });
  try {
    const { rows } = await db.query<{ description: string | null }>(`SELECT obj_description('${LIVE_TABLES.customers}'::regclass) AS description`);
    const kept = rows[0]?.description ? (JSON.parse(rows[0].description) as Population & { now: string }) : undefined;
    if (kept && kept.customers >= CUSTOMERS && Math.abs(Date.parse(kept.now) - now.getTime()) < 7 * DAY) return kept;
    throw new Error(`REUSE=1 but ${DATABASE} holds no population of ${fmt(CUSTOMERS)} customers from the last week: run without REUSE`);
  } finally {
    await db.close();
  }
}

async function rememberPopulation(url: string, population: Population, now: Date): Promise<void> {
  const db = new PgDatabase({ url, poolSize: 1 });
  try {
    const text = JSON.stringify({ ...population, now: now.toISOString() }).replace(/'/g, "''");
    await db.query(`COMMENT ON TABLE ${LIVE_TABLES.customers} IS '${text}'`);
  } finally {
    await db.close();
  }
}

/** A setting of the server (the benchmarks run on stock settings). */
async function setting(url: string, name: string): Promise<string> {
  const db = new PgDatabase({ url, poolSize: 1 });
  try {
    const { rows } = await db.query<{ setting: string }>('SELECT current_setting($1) AS setting', [name]);
    return rows[0]!.setting;
  } finally {
    await db.close();
  }
}

/** How many customers each filter matches (the page queries' selectivity). */
async function matching(url: string, queries: ReadonlyArray<Record<string, string>>): Promise<number[]> {
  const db = new PgDatabase({ url, poolSize: 1 });
  try {
    const counts: number[] = [];
    for (const query of queries) {
      const { where, params } = filterSql(parseFilter(query), DEFAULT_PROJECTION_OPTIONS.rates);
      const { rows } = await db.query<{ count: string }>(`SELECT count(*) AS count FROM ${LIVE_TABLES.customers} c WHERE ${where}`, params);
      counts.push(Number(rows[0]!.count));
    }
    return counts;
  } finally {
    await db.close();
  }
}

function qs(query: Record<string, string>, extra: Record<string, string> = {}): string {
  const text = new URLSearchParams({ ...query, ...extra }).toString();
  return text ? `?${text}` : '';
}

/** The share of the CPU busy over `ms` milliseconds, all cores together. */
async function cpuBusy(ms: number): Promise<number> {
  const times = () => cpus().reduce((sum, cpu) => ({ idle: sum.idle + cpu.times.idle, all: sum.all + Object.values(cpu.times).reduce((a, b) => a + b, 0) }), { idle: 0, all: 0 });
  const before = times();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = times();
  return 1 - (after.idle - before.idle) / Math.max(1, after.all - before.all);
}

/** Waits (a while) for other processes to leave the CPU alone; answers how busy it was when the run began. */
async function quietMachine(log: (line: string) => void): Promise<number> {
  const deadline = performance.now() + QUIET_WAIT_MINUTES * 60_000;
  let busy = await cpuBusy(2000);
  if (busy > QUIET) log(`the CPU is ${Math.round(busy * 100)} % busy with other work: waiting up to ${QUIET_WAIT_MINUTES} minutes for it to quieten`);
  while (busy > QUIET && performance.now() < deadline) busy = await cpuBusy(2000);
  return busy;
}

const ms = (value: number) => (Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(2) : value.toFixed(1));
const verdict = (met: boolean) => (met ? 'met' : 'not met');

async function main(): Promise<void> {
  const started = performance.now();
  const now = new Date();
  const commit = commitOf();
  const url = REUSE ? await keptBenchDatabaseUrl(DATABASE) : await benchDatabaseUrl(DATABASE);
  const machine = await describeMachine(url);
  const sharedBuffers = await setting(url, 'shared_buffers');
  const log = (line: string) => process.stdout.write(`${line}\n`);
  let population: Population;
  if (REUSE) {
    population = await describePopulation(url, now);
    log(`reusing the population of ${fmt(population.customers)} customers in ${DATABASE}`);
  } else {
    population = await populate(url, { customers: CUSTOMERS, base: BASE, now, log });
    await rememberPopulation(url, population, now);
    log(`population ready: ${fmt(population.customers)} customers, ${fmt(population.tableMiB)} MiB with indexes, in ${population.seconds.total.toFixed(0)} s`);
  }

  const mix = filterMix(now);
  const counting = performance.now();
  const counts = await matching(url, [...mix.map((f) => f.query), EXPORT_FILTER]);
  log(`counted the customers each filter matches in ${((performance.now() - counting) / 1000).toFixed(1)} s`);
  const exportFiltered = counts.pop()!;
  mix.forEach((filter, i) => log(`  filter "${filter.name}": ${fmt(counts[i]!)} customers`));

  // The engine as deployed, with nothing but the queries to do: no saga (no rules; it would be
  // reading the whole log), no clock or RFM schedule, no rate limits.
  const engine = new EngineProcess({
    DATABASE_URL: url,
    JOURNEY_RATE_LIMITS: 'off',
    JOURNEY_SAGA: 'off',
    JOURNEY_CLOCK_INTERVAL_SECONDS: '0',
    JOURNEY_RFM_INTERVAL_SECONDS: '0',
  });
  await engine.start();
  const byId: Figures[] = [];
  const byIdAlone: Figures[] = [];
  const byBaseId: Figures[] = [];
  const pages: Figures[] = [];
  const pagesAlone: Figures[] = [];
  const perFilter = mix.map(() => [] as Array<{ p50: number; p99: number }>);
  const exportAll: number[] = [];
  const exportSome: number[] = [];
  const busy: number[] = [];
  const sessions = { count: 0, pages: 0 };
  try {
    const created = await fetch(`${engine.url}/v1/keys`, { method: 'POST', headers: engine.headers(true), body: JSON.stringify({ role: 'marketing', name: 'bench:query' }) });
    if (created.status !== 201) throw new Error(`creating the marketing key answered ${created.status}: ${await created.text()}`);
    const { key } = (await created.json()) as { key: string };
    const client = new Client(engine.port, key);

    const customer360 = (count: number) => async (get: Get) => void (await get(`/v1/customers/${randomId(count)}`));
    // A session: one filter of the mix, its first page, and in half the sessions up to three more.
    const browse = async (get: Get): Promise<void> => {
      const which = Math.floor(Math.random() * mix.length);
      const more = Math.random() < 0.5 ? 3 : 0;
      let after: string | undefined;
      sessions.count++;
      for (let page = 0; page <= more; page++) {
        const body = await get(`/v1/customers${qs(mix[which]!.query, { limit: '100', ...(after ? { after } : {}) })}`, which);
        sessions.pages++;
        const next = /"next":"([^"]+)"/.exec(body);
        if (!next) break;
        after = next[1];
      }
    };
    const exportRate = async (query: Record<string, string>, expected: number): Promise<number> => {
      const t0 = performance.now();
      const result = await client.lines(`/v1/exports/customers.csv${qs(query)}`);
      const seconds = (performance.now() - t0) / 1000;
      const rows = result.lines - 1;
      if (result.status !== 200 || rows !== expected) throw new Error(`export ${qs(query)} answered ${result.status} with ${rows} rows, expected ${expected}`);
      return rows / seconds;
    };

    try {
      for (let run = 1; run <= RUNS; run++) {
        busy.push(await quietMachine(log));
        byId.push(figuresOf(await client.load(customer360(population.customers), CONNECTIONS)));
        byIdAlone.push(figuresOf(await client.load(customer360(population.customers), 1)));
        byBaseId.push(figuresOf(await client.load(customer360(population.base), CONNECTIONS)));
        const load = await client.load(browse, CONNECTIONS);
        pages.push(figuresOf(load));
        perFilter.forEach((runs, i) => {
          const latencies = load.tagged.get(i) ?? [];
          runs.push({ p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) });
        });
        pagesAlone.push(figuresOf(await client.load(browse, 1)));
        exportAll.push(await exportRate({}, population.customers));
        exportSome.push(await exportRate(EXPORT_FILTER, exportFiltered));
        const last = (list: readonly Figures[]) => `p50 ${ms(list.at(-1)!.p50)} ms, p99 ${ms(list.at(-1)!.p99)} ms, ${fmt(list.at(-1)!.rate)} req/s`;
        log(`run ${run}:`);
        log(`  360 by id: ${last(byId)} (1 connection: ${last(byIdAlone)}); base customers: ${last(byBaseId)}`);
        log(`  pages of 100: ${last(pages)} (1 connection: ${last(pagesAlone)})`);
        log(`  export: ${fmt(exportAll.at(-1)!)} rows/s; filtered ${fmt(exportSome.at(-1)!)} rows/s`);
      }
    } finally {
      client.close();
    }
  } finally {
    await engine.stop();
  }

  const pick = (list: readonly Figures[], field: keyof Figures) => list.map((f) => f[field]);
  const p99Id = median(pick(byId, 'p99'));
  const p99Page = median(pick(pages, 'p99'));
  const date = new Date().toISOString();
  const minutes = (performance.now() - started) / 60_000;
  const built = REUSE ? 'built by an earlier run and reused' : `built in ${fmt(population.seconds.total)} s`;
  const busiest = Math.max(...busy);
  const audience = Object.entries(EXPORT_FILTER).map(([k, v]) => `${k}=${v}`).join('&');
  const latency = (list: readonly Figures[], field: 'p50' | 'p99') => `${spread(pick(list, field), ms)} ms`;
  const section = [
    HEADING,
    '',
    `Measured ${date} on commit ${commit}: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os},`,
    `Node ${machine.node}, PostgreSQL ${machine.postgres} (stock settings: shared_buffers ${sharedBuffers}). Command: \`npm run bench:query\``,
    `(${RUNS} runs over one population; ${fmt(minutes)} min in all).`,
    '',
    `The read model holds ${fmt(population.customers)} customers (${fmt(population.tableMiB)} MiB with its indexes; ${built}). A million`,
    'customers through the log would be some hundred million events, so the population is made so',
    `(test/bench/query-seed.ts): ${fmt(population.base)} generated customers (\`journey seed\`, ${fmt(population.baseEvents)} events) are folded from`,
    `the log by the projector and the lifecycle clock; their rows are cloned into the other ${fmt(population.clones)} (new`,
    'ids, e-mails, visitor ids and cities of the same country; amounts scaled by a log-normal factor; the whole history',
    'moved by up to 60 days, then the lifecycle brought up to now as the clock would) and written through the',
    "projection's own upsert (`saveCustomers`, 5,000 rows a statement), with the RFM scores the RFM job's own functions give",
    'over the whole population (as folding its events would leave them); then the RFM job runs over everyone and the',
    `projector folds its ${fmt(population.rfmChanged)} ValueTierChanged events (the base customers'); then VACUUM ANALYZE. Only the base`,
    "customers have a history in the log (a clone's 360 reads empty streams), so their 360 is measured apart.",
    '',
    'Every request goes over HTTP to the engine (saga, lifecycle clock and RFM schedule off, rate limits off) with a',
    `marketing key, from a closed loop of ${CONNECTIONS} keep-alive connections (and of 1, for the latency without queueing) in a`,
    'process on the same two cores; each request is timed on its own. A figure is measured for',
    `${SECONDS} s after ${WARMUP_SECONDS} s of warm-up; the table is in the OS page cache. Latencies: the median over the runs of each run's percentile,`,
    "with the runs' min–max. Ids are drawn at random among all the customers. Pages: a session takes a filter of the mix",
    'below at random and asks for its first page of 100; half the sessions follow `next` for up to three more pages',
    `(${(sessions.pages / sessions.count).toFixed(1)} pages a session). The export streams the whole list, then a campaign audience`,
    `(\`${audience}\`, ${fmt(exportFiltered)} customers), timed from the request to the last byte.`,
    ...(busiest > QUIET
      ? ['', `Other processes were using up to ${Math.round(busiest * 100)} % of the CPU when a run began (the bench waits up to ${QUIET_WAIT_MINUTES} minutes for a quiet machine).`]
      : []),
    '',
    '| figure | median of the runs (min–max) | target | |',
    '| --- | ---: | --- | --- |',
    `| customer 360 by id, ${CONNECTIONS} connections, p50 | ${latency(byId, 'p50')} |  |  |`,
    `| customer 360 by id, ${CONNECTIONS} connections, p99 | ${latency(byId, 'p99')} | < ${TARGET_360_P99_MS} ms | ${verdict(p99Id < TARGET_360_P99_MS)} |`,
    `| customer 360 by id, ${CONNECTIONS} connections, throughput | ${spread(pick(byId, 'rate'), fmt)} requests/s |  |  |`,
    `| customer 360 by id, 1 connection, p50 / p99 | ${latency(byIdAlone, 'p50')} / ${latency(byIdAlone, 'p99')} |  |  |`,
    `| customer 360 of a base customer (history in the log), ${CONNECTIONS} connections, p50 / p99 | ${latency(byBaseId, 'p50')} / ${latency(byBaseId, 'p99')} |  |  |`,
    `| filtered page of 100, ${CONNECTIONS} connections, p50 | ${latency(pages, 'p50')} |  |  |`,
    `| filtered page of 100, ${CONNECTIONS} connections, p99 | ${latency(pages, 'p99')} | < ${TARGET_PAGE_P99_MS} ms | ${verdict(p99Page < TARGET_PAGE_P99_MS)} |`,
    `| filtered pages, ${CONNECTIONS} connections, throughput | ${spread(pick(pages, 'rate'), fmt)} requests/s |  |  |`,
    `| filtered page of 100, 1 connection, p50 / p99 | ${latency(pagesAlone, 'p50')} / ${latency(pagesAlone, 'p99')} |  |  |`,
    `| CSV export, all ${fmt(population.customers)} customers | ${spread(exportAll, fmt)} rows/s | ≥ ${fmt(TARGET_EXPORT_ROWS_PER_S)} rows/s | ${verdict(median(exportAll) >= TARGET_EXPORT_ROWS_PER_S)} |`,
    `| CSV export, the campaign audience (${fmt(exportFiltered)} rows) | ${spread(exportSome, fmt)} rows/s | ≥ ${fmt(TARGET_EXPORT_ROWS_PER_S)} rows/s | ${verdict(median(exportSome) >= TARGET_EXPORT_ROWS_PER_S)} |`,
    '',
    `The filter mix, and each filter's pages at ${CONNECTIONS} connections (first and following pages; medians of the runs' percentiles):`,
    '',
    '| filter | query | customers matching | p50 | p99 |',
    '| --- | --- | ---: | ---: | ---: |',
    ...mix.map((filter, i) => {
      const runs = perFilter[i]!;
      const query = Object.entries(filter.query).map(([k, v]) => `${k}=${v}`).join('&') || '(none)';
      return `| ${filter.name} | \`${query}\` | ${fmt(counts[i]!)} | ${ms(median(runs.map((r) => r.p50)))} ms | ${ms(median(runs.map((r) => r.p99)))} ms |`;
    }),
    '',
  ].join('\n');
  const latencies = (list: readonly Figures[]) => ({
    p50Ms: spreadOf(pick(list, 'p50')),
    p99Ms: spreadOf(pick(list, 'p99')),
    requestsPerSecond: spreadOf(pick(list, 'rate')),
  });
  const file = recordResults(HEADING, section, 'query', {
    date,
    commit,
    machine,
    command: 'npm run bench:query',
    runs: RUNS,
    secondsPerFigure: SECONDS,
    customers: population.customers,
    connections: CONNECTIONS,
    customer360: { ...latencies(byId), targetP99Ms: TARGET_360_P99_MS, met: p99Id < TARGET_360_P99_MS },
    customer360OneConnection: latencies(byIdAlone),
    customer360WithHistory: latencies(byBaseId),
    pages: { ...latencies(pages), targetP99Ms: TARGET_PAGE_P99_MS, met: p99Page < TARGET_PAGE_P99_MS },
    pagesOneConnection: latencies(pagesAlone),
    exportAllRowsPerSecond: { ...spreadOf(exportAll), target: TARGET_EXPORT_ROWS_PER_S },
    exportAudienceRowsPerSecond: { ...spreadOf(exportSome), rows: exportFiltered, target: TARGET_EXPORT_ROWS_PER_S },
    filters: mix.map((filter, i) => ({
      name: filter.name,
      query: filter.query,
      matching: counts[i],
      p50Ms: median(perFilter[i]!.map((r) => r.p50)),
      p99Ms: median(perFilter[i]!.map((r) => r.p99)),
    })),
  });
  process.stdout.write(`\n${section}\nwritten to ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
