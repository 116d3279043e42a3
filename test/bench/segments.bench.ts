/**
 * npm run bench:segments — segments at scale, beside the raw insert ceiling C of the same run:
 * the backfill of one segment over CUSTOMERS customers (1,000,000 by default), the pass (the
 * projector catching up over a generated log of EVENTS events) with 50 segments defined against
 * none, live events over LIVE_CUSTOMERS existing customers with the 50 segments backfilled against
 * none (as built, and after a purchase of every customer), and the delay from an accepted event to its SegmentEntered at LATENCY_RATE events/s.
 * RUNS repeats the first three and quotes medians.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { migrate, PgDatabase } from '@journey/database';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';
import { cursorOf, isBefore, START_CURSOR } from '@journey/event-store';
import { LIVE_TABLES, projectBatch, Projector, runBackfill, SegmentStore, startBackfill } from '@journey/projections';
import { benchStore, seedHistory } from './bench-history';
import { benchDatabaseUrl, ceiling, commitOf, copyDatabase, describeMachine, fmt, keptBenchDatabaseUrl, median, purchaseData, quantile, recordResults } from './bench-support';
import { liveEvent } from './engine-events';
import { liveFolding, preparePopulation, type LiveFold, type LiveMix } from './engine-fold';
import { BACKFILL_SEGMENT, fiftySegments, syntheticPopulation } from './segments-fixtures';

const CUSTOMERS = Number(process.env.CUSTOMERS ?? 1_000_000);
const EVENTS = Number(process.env.EVENTS ?? 200_000);
const RUNS = Number(process.env.RUNS ?? 3);
/** The ingest rate of the latency measurement: half of what the engine sustains here (bench:engine). */
const LATENCY_RATE = Number(process.env.LATENCY_RATE ?? 500);
/** Existing customers and events of the live part. */
const LIVE_CUSTOMERS = Number(process.env.LIVE_CUSTOMERS ?? 20_000);
const LIVE_EVENTS = Number(process.env.LIVE_EVENTS ?? 10_000);
/** The parts to run (a comma list of backfill, pass, live, latency): all by default; a partial run writes no figures. */
const PARTS = new Set((process.env.PARTS ?? 'backfill,pass,live,latency').split(','));
/** Customers per backfill chunk. */
const CHUNK = Number(process.env.CHUNK ?? 2000);
const UNTIL = new Date('2026-11-01T00:00:00Z');
/** The membership changes in the log. */
const MEMBERSHIP_CHANGES = `SELECT count(*)::int AS changes FROM journey.events WHERE type IN ('SegmentEntered', 'SegmentExited')`;
const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** One backfill of the segment over the population: customers per second, and how many entered. */
async function backfill(url: string, run: number): Promise<{ rate: number; entered: number; seconds: number }> {
  const db = new PgDatabase({ url, poolSize: 4, applicationName: 'journey-bench-segments' });
  const store = await benchStore(db);
  try {
    // A segment of its own each run: the entries of the previous runs stay in the log.
    const { record } = await SegmentStore.save(db, { ...BACKFILL_SEGMENT, id: `${BACKFILL_SEGMENT.id}-${run}` }, { create: true });
    const job = await startBackfill(db, record.segment.id, record.segment.version, randomUUID(), new Date());
    const started = performance.now();
    const done = await runBackfill(store, job.jobId, { chunk: CHUNK });
    const seconds = (performance.now() - started) / 1000;
    return { rate: done.done / seconds, entered: done.entered, seconds };
  } finally {
    await store.close();
    await db.close();
  }
}

/**
 * The live pass over a copy of the log, with the given segments defined: the projector's batches
 * (fold, judge, write, append what they derive) run back to back over the log as seeded and then
 * over what they derived (stage and membership changes are events of the customers' streams,
 * which the engine's pass folds in turn), until nothing is left; timed apart from the safe horizon
 * (which other work on a shared server holds back). The seeded events per second, the seconds
 * spent committing each batch and appending the derived events it recorded, and the seconds of
 * this process's CPU.
 */
async function livePass(
  template: string,
  copy: string,
  segments: ReadonlyArray<Record<string, unknown>>,
): Promise<{ rate: number; events: number; derived: number; changes: number; seconds: number; appendSeconds: number; cpuSeconds: number }> {
  const url = await copyDatabase(template, copy);
  const db = new PgDatabase({ url, poolSize: 6, applicationName: 'journey-bench-segments' });
  const store = await benchStore(db);
  for (const segment of segments) await SegmentStore.save(db, segment, { create: true });
  const seeded = await store.lastCommitted();
  let end = seeded;
  let cursor = START_CURSOR;
  let events = 0;
  let derived = 0;
  let appending = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  while (isBefore(cursor, end)) {
    let worked = 0;
    cursor = await store.unitOfWork(async (unit) => {
      const batch = await unit.readAll(cursor, DEFAULT_PROJECTION_OPTIONS.batchSize);
      const mine = batch.events.filter((event) => !isBefore(end, cursorOf(event)));
      await projectBatch(mine, unit, { tables: LIVE_TABLES, lifecycle: DEFAULT_PROJECTION_OPTIONS.lifecycle, appendAfterCommit: unit.appendAfterCommit });
      for (const event of mine) {
        if (isBefore(seeded, cursorOf(event))) derived++;
        else events++;
      }
      worked = performance.now();
      return isBefore(end, batch.next) ? end : batch.next;
    });
    // The unit's commit, then the append of the events it recorded for after it.
    appending += performance.now() - worked;
    // What the batches derived is folded in turn, until a pass derives nothing more.
    if (!isBefore(cursor, end)) end = await store.lastCommitted();
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const { rows } = await db.query<{ changes: number }>(MEMBERSHIP_CHANGES);
  await store.close();
  await db.close();
  return { rate: events / seconds, events, derived, changes: rows[0]!.changes, seconds, appendSeconds: appending / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

/**
 * From an accepted event to its SegmentEntered: the projector running as the engine runs it
 * (its subscription), purchases of new customers appended at `rate` events/s for `seconds`, each
 * entering "buyers"; the delay is between the two events' recording instants.
 */
async function entryLatency(rate: number, seconds: number): Promise<{ p50: number; p99: number; entries: number }> {
  const url = await benchDatabaseUrl('journey_bench_segments_latency');
  const db = new PgDatabase({ url, poolSize: 6, applicationName: 'journey-bench-segments' });
  await migrate(db);
  const store = await benchStore(db);
  await SegmentStore.save(db, { id: 'buyers', name: 'Bought once or more', conditions: { field: 'orders', op: 'gte', value: 1 } }, { create: true });
  const projector = new Projector(db, store, { ...DEFAULT_PROJECTION_OPTIONS, clockIntervalMs: 0, rfmIntervalMs: 0 }, () => new Date());
  projector.start();
  const started = performance.now();
  let sent = 0;
  const appends: Array<Promise<unknown>> = [];
  while (performance.now() - started < seconds * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; sent < due; sent++) {
      const n = sent;
      appends.push(
        store.append(`customer-lat-${n}`, [{ eventId: randomUUID(), type: 'PurchaseCompleted', version: 1, occurredAt: new Date().toISOString(), source: 'bench', data: purchaseData(n), metadata: {} }]),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(appends);
  await projector.caughtUp();
  await projector.caughtUp();
  await projector.stop();
  const { rows } = await db.query<{ ms: number }>(
    `SELECT extract(epoch FROM (e.recorded_at - p.recorded_at)) * 1000 AS ms
     FROM journey.events e JOIN journey.events p ON p.event_id = (e.data->>'causeEventId')::uuid WHERE e.type = 'SegmentEntered'`,
  );
  await store.close();
  await db.close();
  const delays = rows.map((row) => Number(row.ms));
  return { p50: quantile(delays, 0.5), p99: quantile(delays, 0.99), entries: delays.length };
}

/**
 * The live part's two populations, as templates: `plain`, LIVE_CUSTOMERS existing customers
 * (as bench:engine's live folding builds them), and `segmented`, the same with the 50 segments saved
 * and backfilled one after the other (the order of the list: a segment after those it reads), the
 * backfill's entries folded by the projector.
 */
async function prepareLive(plain: string, segmented: string): Promise<{ dormant: number }> {
  const plainUrl = await benchDatabaseUrl(plain);
  await preparePopulation(plainUrl, LIVE_CUSTOMERS, (line) => say(`  ${line}`));
  const dormant = await scalar(plainUrl, `SELECT (count(*) FILTER (WHERE stage IN ('churned', 'at_risk')))::float8 / count(*) FROM journey.customer_360`);
  const url = await copyDatabase(plain, segmented);
  const db = new PgDatabase({ url, poolSize: 4, applicationName: 'journey-bench-segments' });
  const store = await benchStore(db);
  try {
    const started = performance.now();
    for (const segment of fiftySegments()) {
      const { record } = await SegmentStore.save(db, segment, { create: true });
      const job = await startBackfill(db, record.segment.id, record.segment.version, randomUUID(), new Date());
      await runBackfill(store, job.jobId, { chunk: CHUNK });
    }
    say(`  50 segments backfilled over ${fmt(LIVE_CUSTOMERS)} customers in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await store.close();
    await db.close();
  }
  await liveFolding(url, LIVE_CUSTOMERS, 0);
  await warm(plain, `${plain}_warm`);
  await warm(segmented, `${segmented}_warm`);
  return { dormant };
}

/** One purchase of every customer, in turn: each customer active, as in a deployment whose traffic comes from its active customers. */
const PURCHASE_EACH: LiveMix = { customerOf: (i) => 1 + i, eventOf: (i, at) => liveEvent(3 * i + 2, at) };

/** A copy of a live template after one purchase of every customer, folded: the population of the steady arm. */
async function warm(template: string, name: string): Promise<void> {
  const url = await copyDatabase(template, name);
  const fold = await liveFolding(url, LIVE_CUSTOMERS, LIVE_CUSTOMERS, PURCHASE_EACH);
  say(`  ${name}: a purchase of each of ${fmt(LIVE_CUSTOMERS)} customers folded at ${fmt(fold.rate)} events/s`);
}

/** Live events over a copy of a live template, folded as the engine folds them (bench:engine's live folding), and the membership changes they caused. */
async function liveEvents(template: string, copy: string): Promise<LiveFold & { changes: number }> {
  const url = await copyDatabase(template, copy);
  const before = await scalar(url, MEMBERSHIP_CHANGES);
  const fold = await liveFolding(url, LIVE_CUSTOMERS, LIVE_EVENTS);
  return { ...fold, changes: (await scalar(url, MEMBERSHIP_CHANGES)) - before };
}

/** The one value a query returns, on a connection of its own. */
async function scalar(url: string, sql: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, unknown>>(sql);
    return Number(Object.values(rows[0]!)[0]);
  } finally {
    await client.end();
  }
}

function describePass(pass: Awaited<ReturnType<typeof livePass>>): string {
  return `${fmt(pass.derived)} derived events folded back; ${pass.seconds.toFixed(1)} s, of which ${pass.appendSeconds.toFixed(1)} s committing and appending derived events; ${pass.cpuSeconds.toFixed(1)} s of Node CPU`;
}

async function main(): Promise<void> {
  const populationUrl = await benchDatabaseUrl('journey_bench_segments_population');
  const machine = await describeMachine(populationUrl);
  {
    const db = new PgDatabase({ url: populationUrl, poolSize: 2 });
    await migrate(db);
    if (PARTS.has('backfill')) await syntheticPopulation(db, CUSTOMERS, new Date(), (done) => process.stdout.write(`\rpopulation: ${fmt(done)}/${fmt(CUSTOMERS)} customers\n`));
    await db.close();
  }
  const logUrl = await keptBenchDatabaseUrl('journey_bench_segments_log');
  const log = PARTS.has('pass') ? await seedHistory(logUrl, EVENTS, { until: UNTIL, keep: true }) : { events: 0, customers: 0 };
  const live = PARTS.has('live') ? await prepareLive('journey_bench_segments_live', 'journey_bench_segments_live_50') : { dormant: 0 };

  const ceilings: number[] = [];
  const backfills: Array<{ rate: number; entered: number; seconds: number }> = [];
  const none: number[] = [];
  const fifty: number[] = [];
  const passes: Array<{ none: Awaited<ReturnType<typeof livePass>>; fifty: Awaited<ReturnType<typeof livePass>> }> = [];
  let changes = 0;
  const lives: Array<{ none: LiveFold; fifty: LiveFold & { changes: number } }> = [];
  const steady: Array<{ none: LiveFold; fifty: LiveFold & { changes: number } }> = [];
  for (let run = 1; run <= RUNS; run++) {
    ceilings.push(await ceiling(populationUrl, 5));
    say(`run ${run}: C ${fmt(ceilings.at(-1)!)} events/s`);
    if (PARTS.has('backfill')) {
      backfills.push(await backfill(populationUrl, run));
      say(`  backfill: ${fmt(CUSTOMERS)} customers in ${backfills.at(-1)!.seconds.toFixed(1)} s = ${fmt(backfills.at(-1)!.rate)} customers/s, ${fmt(backfills.at(-1)!.entered)} entered`);
    }
    if (PARTS.has('live')) {
      const plainLive = await liveEvents('journey_bench_segments_live', 'journey_bench_segments_live_copy');
      const judgedLive = await liveEvents('journey_bench_segments_live_50', 'journey_bench_segments_live_copy');
      lives.push({ none: plainLive, fifty: judgedLive });
      say(
        `  live events over ${fmt(LIVE_CUSTOMERS)} customers: ${fmt(plainLive.rate)} events/s without segments, ${fmt(judgedLive.rate)} with 50 ` +
          `(${fmt(judgedLive.changes)} membership changes), ${(100 * (1 - judgedLive.rate / plainLive.rate)).toFixed(1)} % lost`,
      );
      const plainSteady = await liveEvents('journey_bench_segments_live_warm', 'journey_bench_segments_live_copy');
      const judgedSteady = await liveEvents('journey_bench_segments_live_50_warm', 'journey_bench_segments_live_copy');
      steady.push({ none: plainSteady, fifty: judgedSteady });
      say(
        `  live events over ${fmt(LIVE_CUSTOMERS)} active customers: ${fmt(plainSteady.rate)} events/s without segments, ${fmt(judgedSteady.rate)} with 50 ` +
          `(${fmt(judgedSteady.changes)} membership changes), ${(100 * (1 - judgedSteady.rate / plainSteady.rate)).toFixed(1)} % lost`,
      );
    }
    if (!PARTS.has('pass')) continue;
    const plain = await livePass('journey_bench_segments_log', 'journey_bench_segments_pass', []);
    none.push(plain.rate);
    say(`  pass over the history, no segments: ${fmt(plain.events)} events at ${fmt(plain.rate)} events/s (${describePass(plain)})`);
    const judged = await livePass('journey_bench_segments_log', 'journey_bench_segments_pass', fiftySegments());
    fifty.push(judged.rate);
    changes = judged.changes;
    passes.push({ none: plain, fifty: judged });
    say(`  pass over the history, 50 segments: ${fmt(judged.events)} events (${fmt(judged.changes)} membership changes) at ${fmt(judged.rate)} events/s (${describePass(judged)}), ${(100 * (1 - judged.rate / plain.rate)).toFixed(1)} % lost`);
  }
  const latency = PARTS.has('latency') ? await entryLatency(LATENCY_RATE, 20) : undefined;
  if (latency) say(`  event → SegmentEntered at ${fmt(LATENCY_RATE)} events/s: p50 ${fmt(latency.p50)} ms, p99 ${fmt(latency.p99)} ms over ${fmt(latency.entries)} entries`);
  if (!latency || !PARTS.has('backfill') || !PARTS.has('pass') || !PARTS.has('live')) {
    say('a partial run (PARTS): no figures written');
    return;
  }
  const c = median(ceilings);
  const backfillRate = median(backfills.map((b) => b.rate));
  const loss = 1 - median(fifty.map((rate, i) => rate / none[i]!));
  const liveLoss = 1 - median(lives.map((live) => live.fifty.rate / live.none.rate));
  const liveNone = median(lives.map((live) => live.none.rate));
  const liveFifty = median(lives.map((live) => live.fifty.rate));
  const steadyLoss = 1 - median(steady.map((live) => live.fifty.rate / live.none.rate));
  const steadyNone = median(steady.map((live) => live.none.rate));
  const steadyFifty = median(steady.map((live) => live.fifty.rate));
  const date = new Date().toISOString();
  const commit = commitOf();
  const knobs = ['CUSTOMERS', 'EVENTS', 'LIVE_CUSTOMERS', 'LIVE_EVENTS', 'RUNS', 'LATENCY_RATE', 'CHUNK'].filter((knob) => process.env[knob] !== undefined).map((knob) => `${knob}=${process.env[knob]} `);
  const command = `${knobs.join('')}npm run bench:segments`;
  const secondsOf = (pick: (pass: (typeof passes)[number]) => number) => median(passes.map(pick)).toFixed(1);
  const heading = '## Segments (`npm run bench:segments`)';
  const section = [
    heading,
    '',
    'A part alone: segment backfill and the customer pass with segments, without ingest beside them; the whole engine as users run it is measured by `npm run bench:engine`.',
    '',
    `Three measures of the rate segments cost. Live events: ${fmt(LIVE_CUSTOMERS)} existing customers (as bench:engine's live folding builds them),`,
    `the 50 segments below saved and backfilled, then ${fmt(LIVE_EVENTS)} events of the live mix (two in three ProductViewed, one in three`,
    'PurchaseCompleted) appended to customers picked at random and folded by the projector as the engine runs it (its own process,',
    'test/bench/engine-fold-worker.ts), against the same population without segments: a deployment whose memberships are recorded.',
    `${Math.round(live.dormant * 100)} % of this population is churned or at risk (its generated history ends before`,
    'today), so an event of a customer picked at random mostly brings one back, which moves the five stage segments at once: a',
    'win-back wave. Live events over active customers: the same, on the same population after one purchase of every customer',
    '(folded, with its membership changes, before the measure), so that the events come from customers already active, as most',
    'of a deployment\'s traffic does. A second purchase still moves memberships (a repeat buyer enters the five other stage segments,',
    `a second pair of shoes enters "bought shoes"): ${(median(steady.map((live) => live.fifty.changes)) / LIVE_EVENTS).toFixed(1)} membership changes per event, against ${(median(lives.map((live) => live.fifty.changes)) / LIVE_EVENTS).toFixed(1)} in the wave. The pass: the projector catching up`,
    'over a generated history from empty tables, where every customer enters its segments for the first time (a rebuild\'s or',
    'a first deployment\'s churn).',
    '',
    `Measured ${date} on commit ${commit}: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os},`,
    `Node ${machine.node}, PostgreSQL ${machine.postgres}. Command: \`${command}\` (${RUNS} run${RUNS > 1 ? 's' : ''}, medians).`,
    '',
    `The backfill evaluates one segment (shoes twice in 90 days, 50 EUR net, e-mail consent) over ${fmt(CUSTOMERS)} customers of the 360`,
    `written straight in SQL, in keyset ranges of ${fmt(CHUNK)}, each its own unit of work: a conservative SQL pre-filter picks the`,
    'customers the segment may hold (or time may move, or who are members), only those rows are read, locked and judged in code,',
    'and the entries are recorded (SegmentEntered, marked backfill) with the job\'s cursor. The pass is the projector\'s batches',
    '(fold each event, judge the segments it may move on the state it left, write the rows, append what they derive) run back to back',
    `over a generated log of ${fmt(log.events)} events (${fmt(log.customers)} customers) and then over the stage and membership changes they`,
    'derived (events of the customers\' streams, which the engine\'s pass folds in turn), timed apart from the safe horizon; the rate counts the',
    'generated events. With 50 segments',
    'defined (fields, consent, net revenue, event windows by category, "none in 30 days", membership of others) against none',
    `(${fmt(changes)} membership changes appended with 50 segments, about one for every ${(log.events / Math.max(changes, 1)).toFixed(1)} generated events). The delay runs the`,
    `projector as the engine does (its subscription) while purchases of new customers are appended at ${fmt(LATENCY_RATE)} events/s for 20 s,`,
    'each entering a segment; it is the time between the two events\' recording, on a server other work shares (the safe horizon waits',
    'for its transactions).',
    '',
    '| figure | value | target | |',
    '| --- | ---: | --- | --- |',
    `| raw insert ceiling C | ${fmt(c)} events/s |  |  |`,
    `| backfill of one segment over ${fmt(CUSTOMERS)} customers | ${fmt(backfillRate)} customers/s (${(backfillRate / c).toFixed(2)} C), ${fmt(median(backfills.map((b) => b.entered)))} entered | ≥ 20,000 customers/s | ${backfillRate >= 20_000 ? 'met' : 'not met'} |`,
    `| live events over ${fmt(LIVE_CUSTOMERS)} customers, no segments | ${fmt(liveNone)} events/s (${(liveNone / c).toFixed(2)} C) |  |  |`,
    `| live events over ${fmt(LIVE_CUSTOMERS)} customers, 50 segments backfilled | ${fmt(liveFifty)} events/s (${(liveFifty / c).toFixed(2)} C), ${fmt(median(lives.map((live) => live.fifty.changes)))} membership changes |  |  |`,
    `| rate lost to 50 segments, live events (median of the runs' ratios) | ${(liveLoss * 100).toFixed(1)} % | ≤ 10 % | ${liveLoss <= 0.1 ? 'met' : 'not met'} |`,
    `| live events over ${fmt(LIVE_CUSTOMERS)} active customers, no segments | ${fmt(steadyNone)} events/s (${(steadyNone / c).toFixed(2)} C) |  |  |`,
    `| live events over ${fmt(LIVE_CUSTOMERS)} active customers, 50 segments backfilled | ${fmt(steadyFifty)} events/s (${(steadyFifty / c).toFixed(2)} C), ${fmt(median(steady.map((live) => live.fifty.changes)))} membership changes |  |  |`,
    `| rate lost to 50 segments, live events over active customers (median of the runs' ratios) | ${(steadyLoss * 100).toFixed(1)} % | ≤ 10 % | ${steadyLoss <= 0.1 ? 'met' : 'not met'} |`,
    `| pass over the history, no segments | ${fmt(median(none))} events/s (${(median(none) / c).toFixed(2)} C) |  |  |`,
    `| pass over the history, 50 segments | ${fmt(median(fifty))} events/s (${(median(fifty) / c).toFixed(2)} C) |  |  |`,
    `| rate lost to 50 segments, pass over the history (median of the runs' ratios) | ${(loss * 100).toFixed(1)} % | ≤ 10 % | ${loss <= 0.1 ? 'met' : 'not met'} |`,
    `| a pass's seconds, no segments / 50 segments | ${secondsOf((p) => p.none.seconds)} / ${secondsOf((p) => p.fifty.seconds)} s |  |  |`,
    `| derived events folded back in a pass, no segments / 50 segments | ${fmt(median(passes.map((p) => p.none.derived)))} / ${fmt(median(passes.map((p) => p.fifty.derived)))} |  |  |`,
    `| of which committing each batch and appending the derived events (stage and membership changes) | ${secondsOf((p) => p.none.appendSeconds)} / ${secondsOf((p) => p.fifty.appendSeconds)} s |  |  |`,
    `| the membership changes written at C alone, against the pass without segments (a floor of the rate lost at this churn) | ${(changes / c).toFixed(1)} s, ${((100 * changes) / c / median(passes.map((p) => p.none.seconds))).toFixed(0)} % |  |  |`,
    `| Node CPU of a pass (fold, judging, writing, appending) | ${secondsOf((p) => p.none.cpuSeconds)} / ${secondsOf((p) => p.fifty.cpuSeconds)} s |  |  |`,
    `| accepted event → SegmentEntered at ${fmt(LATENCY_RATE)} events/s, p50 / p99 | ${fmt(latency.p50)} / ${fmt(latency.p99)} ms | p99 < 500 ms | ${latency.p99 < 500 ? 'met' : 'not met'} |`,
    '',
  ].join('\n');
  const file = recordResults(heading, section, 'segments', {
    date,
    commit,
    machine,
    command,
    customers: CUSTOMERS,
    events: log.events,
    ceiling: { median: c, runs: ceilings },
    backfill: { median: backfillRate, runs: backfills.map((b) => b.rate), target: 20_000 },
    livePass: { none: { median: median(none), runs: none }, fifty: { median: median(fifty), runs: fifty }, loss, target: 0.1, passes },
    liveEvents: { customers: LIVE_CUSTOMERS, events: LIVE_EVENTS, loss: liveLoss, target: 0.1, runs: lives },
    liveEventsActive: { customers: LIVE_CUSTOMERS, events: LIVE_EVENTS, loss: steadyLoss, target: 0.1, runs: steady },
    chunk: CHUNK,
    entryLatency: { rate: LATENCY_RATE, p50Ms: latency.p50, p99Ms: latency.p99, entries: latency.entries, targetP99Ms: 500 },
  });
  say(`\n${section}\nwritten to ${file}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
