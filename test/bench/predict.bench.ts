/**
 * npm run bench:predict — the purchase models at scale. A shop of CUSTOMERS (default 1,000,000)
 * drawn from known BG/NBD and Gamma-Gamma parameters, with PRODUCTS (default 10,000) products, is
 * written into the read models; then the prediction job runs once, as `journey predict fit` does:
 * extract, fit (BG/NBD and Gamma-Gamma), score every customer, forecast 52 weeks with its
 * backtest, refresh every customer's recommendations with their time-split check. Reported: each
 * phase's time, the scoring rate, the recovered parameters beside the true ones, the backtest and
 * hit-rate figures, and the process's peak RSS. Then the live side of the recommendations, a part
 * alone: LIVE_EVENTS (default 4,000) purchases of existing customers folded, in the projector's
 * batches, three ways over the same shop: the items upsert alone, the customer-items fold with
 * the similarity's sums, and that fold with each buyer's top five refreshed; beside the raw
 * ceiling C of the same run.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { migrate, PgDatabase } from '@journey/database';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';
import { LIVE_ITEM_TABLES, projectCustomerItems, runPredictions, type PredictPhase, type PredictReport } from '@journey/projections';
import type { RecordedEvent } from '@journey/event-store';
import type { Database } from '@journey/database';
import { PAIRED_ITEMS, seededRandom } from '@journey/predictions';
import { benchDatabaseUrl, ceiling, commitOf, describeMachine, fmt, recordResults } from './bench-support';
import { shopCustomers, SPEND, sumSimilarity, TRUTH, writeShop } from './predict-population';

const CUSTOMERS = Number(process.env.CUSTOMERS ?? 1_000_000);
const PRODUCTS = Number(process.env.PRODUCTS ?? 10_000);
const NOW = new Date('2026-11-01T00:00:00Z');
/**
 * The job's heap cap. Its live data peak near 500 MiB at a million customers; without a cap V8
 * lets garbage pile up to about 1.6 GiB of RSS before a full collection (same run time either way).
 */
const HEAP_MIB = Number(process.env.HEAP_MIB ?? 640);
const HEADING = '## Predictions (`npm run bench:predict`)';
const LIVE_EVENTS = Number(process.env.LIVE_EVENTS ?? 4000);
const LIVE_BATCH = DEFAULT_PROJECTION_OPTIONS.batchSize;

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
      { ...DEFAULT_PROJECTION_OPTIONS.predictions, rates: DEFAULT_PROJECTION_OPTIONS.rates, trigger: 'bench' },
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
    const summing = performance.now();
    const pairRows = await sumSimilarity(db);
    await db.query('VACUUM ANALYZE journey.item_pairs');
    await db.query('VACUUM ANALYZE journey.item_stats');
    log(`  ${fmt(pairRows)} item pair rows summed in ${((performance.now() - summing) / 1000).toFixed(0)} s`);

    const child = JSON.parse(execFileSync(process.execPath, [`--max-old-space-size=${HEAP_MIB}`, __filename, '--job', url], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 })) as {
      report: PredictReport;
      maxRssMiB: number;
    };
    const { report } = child;
    const rss = child.maxRssMiB;
    const { seconds, params, spend, backtest, recommendations } = report;

    log(`folding ${fmt(LIVE_EVENTS)} live purchases three ways, then the raw ceiling`);
    const live = await liveFold(db);
    const C = await ceiling(url, 15);
    const perEvent = (ms: number): string => `${(ms / LIVE_EVENTS).toFixed(2)} ms = ${fmt(LIVE_EVENTS / (ms / 1000))} events/s (${((LIVE_EVENTS / (ms / 1000) / C) * 100).toFixed(1)} % of C)`;
    const scoring = report.customers / seconds.scoring;
    const pct = (v: number | null | undefined): string => (v === undefined || v === null || !Number.isFinite(v) ? 'n/a' : `${(v * 100).toFixed(1)} %`);
    const lines = [
      HEADING,
      '',
      'A part alone: the prediction job over a generated shop, in a process of its own; the whole engine as users run it is measured by `npm run bench:engine`.',
      '',
      `Measured ${new Date().toISOString()} on commit ${commitOf()}: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os},`,
      `PostgreSQL ${machine.postgres}. Command: \`npm run bench:predict\` (1 run).`,
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
      '',
      `Live side, a part alone: ${fmt(LIVE_EVENTS)} purchases (1 or 2 lines) of existing customers, folded in batches of ${fmt(LIVE_BATCH)} over the same shop (${fmt(pairRows)} item pair rows), each way on events of its own; raw ceiling C = ${fmt(C)} ev/s in the same run.`,
      '',
      '| fold of a purchase | per event |',
      '| --- | --- |',
      `| customer_items upsert alone | ${perEvent(live.itemsOnly)} |`,
      `| customer-items fold: items and the similarity's sums (pairs with the buyer's paired items, at most ${PAIRED_ITEMS - 1} per line) | ${perEvent(live.sums)} |`,
      `| the same with the buyer's top five refreshed from the stored sums (what the engine runs) | ${perEvent(live.recommend)} |`,
    ];
    const section = lines.join('\n');
    process.stdout.write(`\n${section}\n`);
    const file = recordResults(HEADING, section, 'predict', {
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
      live: { events: LIVE_EVENTS, batch: LIVE_BATCH, pairRows, ceiling: C, ms: live },
    });
    log(`recorded in ${file}`);
  } finally {
    await db.close();
  }
}

/** Purchases of existing customers as the subscription reads them: 1 or 2 lines of their shop's kind. */
function livePurchases(seed: number): RecordedEvent[] {
  const random = seededRandom(seed);
  const tastes = Math.max(1, Math.floor(PRODUCTS / 50));
  return Array.from({ length: LIVE_EVENTS }, (_, n) => {
    const taste = Math.floor(Math.pow(random(), 2) * tastes);
    const pick = (): string => `P${(random() < 0.1 ? Math.floor(random() * PRODUCTS) : taste * 50 + Math.floor(Math.pow(random(), 2) * 50)) % PRODUCTS}`;
    const skus = random() < 0.3 ? [pick(), pick()] : [pick()];
    const customerId = `bench-${String(Math.floor(random() * CUSTOMERS)).padStart(7, '0')}`;
    return {
      eventId: randomUUID(),
      type: 'PurchaseCompleted',
      version: 1,
      customerId,
      occurredAt: new Date(NOW.getTime() - 3_600_000 + n).toISOString(),
      source: 'bench',
      data: { orderId: `live-${seed}-${n}`, items: skus.map((sku) => ({ sku, quantity: 1, unitPrice: 1000 })), total: 1000 * skus.length, currency: 'EUR' },
      metadata: {},
    } as unknown as RecordedEvent;
  });
}

/** Milliseconds to fold LIVE_EVENTS purchases, in transactions of LIVE_BATCH, each of three ways on events of its own. */
async function liveFold(db: Database): Promise<{ itemsOnly: number; sums: number; recommend: number }> {
  const timed = async (events: RecordedEvent[], fold: (batch: RecordedEvent[], tx: Parameters<Parameters<Database['transaction']>[0]>[0]) => Promise<void>): Promise<number> => {
    const started = performance.now();
    for (let k = 0; k < events.length; k += LIVE_BATCH) await db.transaction((tx) => fold(events.slice(k, k + LIVE_BATCH), tx));
    return performance.now() - started;
  };
  const sums = await timed(livePurchases(2), (batch, tx) => projectCustomerItems(batch, tx, { tables: LIVE_ITEM_TABLES }));
  const recommend = await timed(livePurchases(3), (batch, tx) =>
    projectCustomerItems(batch, tx, { tables: LIVE_ITEM_TABLES, recommend: { catalogueWindowDays: DEFAULT_PROJECTION_OPTIONS.predictions.catalogueWindowDays, now: NOW } }),
  );
  // Last: its rows have no ordinal of their own (it only measures the upsert).
  const itemsOnly = await timed(livePurchases(1), async (batch, tx) => {
    const rows = batch.flatMap((e) =>
      e.type === 'PurchaseCompleted' ? e.data.items.map((item) => ({ customer_id: e.customerId, sku: item.sku, ordinal: 0, purchases: 1, at: e.occurredAt })) : [],
    );
    await tx.query(
      `INSERT INTO journey.customer_items AS t (customer_id, sku, ordinal, purchases, first_bought_at, last_bought_at)
       SELECT customer_id, sku, ordinal, sum(purchases), min(at), max(at)
       FROM json_to_recordset($1::json) AS x(customer_id text, sku text, ordinal integer, purchases integer, at timestamptz)
       GROUP BY customer_id, sku, ordinal ORDER BY customer_id, sku
       ON CONFLICT (customer_id, sku) DO UPDATE SET purchases = t.purchases + EXCLUDED.purchases,
         first_bought_at = LEAST(t.first_bought_at, EXCLUDED.first_bought_at), last_bought_at = GREATEST(t.last_bought_at, EXCLUDED.last_bought_at)`,
      [JSON.stringify(rows)],
    );
  });
  return { itemsOnly, sums, recommend };
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
