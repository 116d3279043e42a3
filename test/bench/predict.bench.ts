/**
 * npm run bench:predict — the purchase models at scale. A shop of CUSTOMERS (default 1,000,000)
 * drawn from known BG/NBD and Gamma-Gamma parameters, with PRODUCTS (default 10,000) products, is
 * written into the read models; then the prediction job runs once, as `journey predict fit` does:
 * extract, fit (BG/NBD and Gamma-Gamma), score every customer, forecast 52 weeks with its
 * backtest, refresh every customer's recommendations with their time-split check. Reported: each
 * phase's time, the scoring rate, the recovered parameters beside the true ones, the backtest and
 * hit-rate figures, and the process's peak RSS.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { migrate, PgDatabase } from '@journey/database';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';
import { runPredictions, type PredictPhase, type PredictReport } from '@journey/projections';
import { benchDatabaseUrl, commitOf, describeMachine, fmt, recordResults } from './bench-support';
import { shopCustomers, SPEND, TRUTH, writeShop } from './predict-population';

const CUSTOMERS = Number(process.env.CUSTOMERS ?? 1_000_000);
const PRODUCTS = Number(process.env.PRODUCTS ?? 10_000);
const NOW = new Date('2026-11-01T00:00:00Z');
/**
 * The job's heap cap. Its live data peak near 500 MiB at a million customers; without a cap V8
 * lets garbage pile up to about 1.6 GiB of RSS before a full collection (same run time either way).
 */
const HEAP_MIB = Number(process.env.HEAP_MIB ?? 640);

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** The job alone, in a process of its own (so that its peak RSS is the job's, not the shop writer's): prints its report. */
async function job(url: string): Promise<void> {
  const db = new PgDatabase({ url, poolSize: 4, applicationName: 'journey-bench-predict-job' });
  const store = new PostgresEventStore(db);
  try {
    let phase: PredictPhase | undefined;
    const report = await runPredictions(
      db,
      store,
      { ...DEFAULT_PROJECTION_OPTIONS.predictions, rates: DEFAULT_PROJECTION_OPTIONS.rates, slotMs: 60_000, trigger: 'bench' },
      NOW,
      (now) => {
        if (now !== phase) log(`  ${now}…`);
        phase = now;
      },
    );
    process.stdout.write(JSON.stringify({ report, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
  } finally {
    await store.close();
    await db.close();
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--job') return job(process.argv[3]!);
  const url = await benchDatabaseUrl('journey_bench_predict');
  const machine = await describeMachine(url);
  const db = new PgDatabase({ url, poolSize: 4, applicationName: 'journey-bench-predict' });
  try {
    await migrate(db);
    log(`writing the shop: ${fmt(CUSTOMERS)} customers, ${fmt(PRODUCTS)} products`);
    const writing = performance.now();
    const shop = await writeShop(db, shopCustomers(CUSTOMERS, PRODUCTS, NOW.getTime(), 42), (done) => {
      if (done % 100_000 === 0) log(`  ${fmt(done)} customers written`);
    });
    await db.query('VACUUM ANALYZE journey.customer_360');
    await db.query('VACUUM ANALYZE journey.customer_items');
    log(`  ${fmt(shop.customers)} customers and ${fmt(shop.items)} customer-item rows in ${((performance.now() - writing) / 1000).toFixed(0)} s`);

    const child = JSON.parse(execFileSync(process.execPath, [`--max-old-space-size=${HEAP_MIB}`, __filename, '--job', url], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 })) as {
      report: PredictReport;
      maxRssMiB: number;
    };
    const { report } = child;
    const rss = child.maxRssMiB;
    const { seconds, params, spend, backtest, recommendations } = report;
    const scoring = report.customers / seconds.scoring;
    const pct = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? 'n/a' : `${(v * 100).toFixed(1)} %`);
    const lines = [
      `## Predictions (bench:predict)`,
      '',
      `${new Date().toISOString()} · commit ${commitOf()} · ${machine.cpu}, ${machine.cores} cores · PostgreSQL ${machine.postgres}`,
      '',
      `A shop of ${fmt(report.customers)} customers drawn from BG/NBD r=${TRUTH.r}, α=${TRUTH.alpha}, a=${TRUTH.a}, b=${TRUTH.b} (weeks) and Gamma-Gamma p=${SPEND.p}, q=${SPEND.q}, γ=${SPEND.gamma},`,
      `${fmt(PRODUCTS)} products (${fmt(shop.items)} customer-item rows), written into the read models; one run of the prediction job (\`journey predict fit\`).`,
      '',
      '| step | time | target |',
      '| --- | --- | --- |',
      `| extract (keyset pages of the 360) | ${seconds.extract.toFixed(1)} s | |`,
      `| fit BG/NBD + Gamma-Gamma over ${fmt(report.customers)} customers | ${seconds.fit.toFixed(1)} s (${params.iterations} + ${spend?.iterations ?? 0} iterations) | < 60 s |`,
      `| recommendations refresh (${fmt(recommendations.customers)} customers, ${fmt(recommendations.products)} products; similarity twice, with its check) | ${seconds.recommend.toFixed(1)} s | < 300 s |`,
      `| scoring (P(alive), 3 expectations, AOV, CLV) | ${seconds.scoring.toFixed(1)} s = ${fmt(scoring)} customers/s | ≥ 100,000/s |`,
      `| score phase with the rows written (recommendations in them) and band changes appended (${fmt(report.bandChanges)}) | ${seconds.score.toFixed(1)} s | |`,
      `| forecast 52 weeks + backtest (second fit) | ${seconds.forecast.toFixed(1)} s | |`,
      `| peak RSS of the job's process (node --max-old-space-size=${HEAP_MIB}) | ${fmt(rss)} MiB | < 1024 MiB |`,
      '',
      `Recovered: r=${params.r.toFixed(3)}, α=${params.alpha.toFixed(2)}, a=${params.a.toFixed(3)}, b=${params.b.toFixed(3)}; p=${spend?.p.toFixed(2)}, q=${spend?.q.toFixed(2)}, γ=${spend?.gamma.toFixed(0)}.`,
      backtest
        ? `Backtest (${backtest.holdoutWeeks} weeks from ${backtest.cutoff.slice(0, 10)}): orders MAPE ${pct(backtest.model.orders.mape)} per week, ${pct(backtest.model.orders.totalError)} in total; naive baseline ${pct(backtest.naive.orders.mape)} and ${pct(backtest.naive.orders.totalError)}. Revenue MAPE ${pct(backtest.model.revenue.mape)} (naive ${pct(backtest.naive.revenue.mape)}).`
        : 'Backtest: none (history too short).',
      `Recommendations, hit rate at 5 on a ${recommendations.check.split.slice(0, 10)} split: item-to-item ${pct(recommendations.check.itemToItem)}, popularity ${pct(recommendations.check.popularity)} (${fmt(recommendations.check.customers)} customers).`,
    ];
    const section = lines.join('\n');
    process.stdout.write(`\n${section}\n`);
    const file = recordResults('## Predictions (bench:predict)', section, 'predict', {
      date: new Date().toISOString(),
      commit: commitOf(),
      customers: report.customers,
      products: PRODUCTS,
      seconds,
      scoringPerSecond: scoring,
      maxRssMiB: rss,
      heapCapMiB: HEAP_MIB,
      params,
      spend,
      backtest: backtest && { holdoutWeeks: backtest.holdoutWeeks, model: backtest.model, naive: backtest.naive },
      recommendations: recommendations.check,
    });
    log(`recorded in ${file}`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
