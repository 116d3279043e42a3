/**
 * npm run bench:console — how fast the console's overview opens over the 1,000,000 customers of
 * bench:query (its database, built here when missing; CUSTOMERS and BASE as there). Times the
 * four API calls the overview makes, in parallel as the browser makes them (median and worst of
 * RUNS), and, when Debian's chromium is there, the page itself: sign-in done, from navigation to
 * every chart drawn. Also times the funnel with the stage changes of its default period (the last
 * 30 days), which the overview does not ask for. Prints the figures; writes nothing.
 */
import 'reflect-metadata';
import { PgDatabase } from '@journey/database';
import { LIVE_TABLES } from '@journey/projections';
import { hasChromium, launchChromium } from '../browser/browser-support';
import { EngineProcess, PROCESS_ADMIN_KEY } from '../support/engine-process';
import { keptBenchDatabaseUrl, fmt, median } from './bench-support';
import { populate } from './query-seed';

const CUSTOMERS = Number(process.env.CUSTOMERS ?? 1_000_000);
const BASE = Number(process.env.BASE ?? 5000);
const RUNS = Number(process.env.RUNS ?? 7);
const DATABASE = 'journey_bench_query';
const CALLS = ['/v1/analytics/funnel?transitions=false', '/v1/analytics/weekly', '/v1/analytics/value', '/v1/analytics/retention'];
/** The funnel as the API answers it by default: the stages, and the stage changes of the last 30 days. */
const FUNNEL_WITH_CHANGES = '/v1/analytics/funnel';

async function customers(url: string): Promise<number> {
  const db = new PgDatabase({ url, poolSize: 1 });
  try {
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${LIVE_TABLES.customers}`).catch(() => ({ rows: [{ n: '0' }] }));
    return Number(rows[0]!.n);
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const url = await keptBenchDatabaseUrl(DATABASE);
  if ((await customers(url)) < CUSTOMERS) {
    log(`building the bench:query population of ${fmt(CUSTOMERS)} customers in ${DATABASE}`);
    await populate(url, { customers: CUSTOMERS, base: BASE, now: new Date(), log });
  }
  log(`${fmt(await customers(url))} customers in ${DATABASE}`);
  const engine = new EngineProcess({ DATABASE_URL: url, JOURNEY_RATE_LIMITS: 'off', JOURNEY_SAGA: 'off' });
  await engine.start();
  try {
    const get = async (path: string): Promise<number> => {
      const started = performance.now();
      const response = await fetch(`${engine.url}${path}`, { headers: engine.headers() });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${path} answered ${response.status}`);
      return performance.now() - started;
    };
    const caughtUp = performance.now();
    for (;;) {
      const health = (await (await fetch(`${engine.url}/health`)).json()) as { lag?: Record<string, { events: number }> };
      const weekly = health.lag?.['analytics:weekly'];
      if (weekly && weekly.events === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    log(`the weekly aggregates caught up with the log in ${((performance.now() - caughtUp) / 1000).toFixed(0)} s (once, at their first start)`);
    const perCall = new Map<string, number[]>(CALLS.map((call) => [call, []]));
    const overview: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const times = await Promise.all(CALLS.map(get));
      overview.push(performance.now() - started);
      times.forEach((ms, index) => perCall.get(CALLS[index]!)!.push(ms));
    }
    for (const [call, times] of perCall) log(`${call}: median ${median(times).toFixed(0)} ms, worst ${Math.max(...times).toFixed(0)} ms`);
    log(`the overview's four calls together: median ${median(overview).toFixed(0)} ms, worst ${Math.max(...overview).toFixed(0)} ms`);
    const funnel: number[] = [];
    for (let run = 0; run < RUNS; run++) funnel.push(await get(FUNNEL_WITH_CHANGES));
    log(`${FUNNEL_WITH_CHANGES} (the stage changes of the last 30 days too): median ${median(funnel).toFixed(0)} ms, worst ${Math.max(...funnel).toFixed(0)} ms`);
    if (!hasChromium()) {
      log('no chromium at /usr/bin/chromium: the page itself is not timed');
      return;
    }
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${engine.url}/app/`);
      await page.evaluate((key) => (globalThis as unknown as { sessionStorage: { setItem(name: string, value: string): void } }).sessionStorage.setItem('journey.apiKey', key), PROCESS_ADMIN_KEY);
      const pages: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const started = performance.now();
        await page.goto(`${engine.url}/app/#/overview`);
        await page.reload();
        await page.waitForSelector('[data-chart=funnel] canvas');
        await page.waitForSelector('[data-chart=weekly-sales] canvas');
        await page.waitForSelector('[data-chart=rfm-grid] canvas');
        await page.waitForSelector('[data-chart=retention] canvas');
        pages.push(performance.now() - started);
      }
      log(`the overview page in chromium, load to every chart drawn: median ${median(pages).toFixed(0)} ms, worst ${Math.max(...pages).toFixed(0)} ms`);
    } finally {
      await browser.close();
    }
  } finally {
    await engine.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
