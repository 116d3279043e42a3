/**
 * npm run bench:peers — journey beside its peers on the same PostgreSQL, the same workload and in
 * the same run: appends through journey's library against Emmett's PostgreSQL event store and
 * Message DB's write_message, and a customer summary caught up by journey and by Emmett, each
 * figure beside the raw ceilings (COPY, and C: INSERT … SELECT FROM unnest) measured first in every
 * run. Writes its section of docs/benchmarks.md. DURATION (seconds per append point, default 5),
 * RUNS (default 3) and HISTORY (events the projections catch up over, default 40,000) tune it.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { benchDatabaseUrl, ceiling, commitOf, describeMachine, fmt, freshJourneySchema, type Machine, median, recordResults, spreadOf, spreadText as spread } from './bench-support';
import { copyCeiling } from './peers/copy-ceiling';
import { EMMETT_PONGO_COLLECTION, EMMETT_SQL_TABLE, emmettAppend, emmettCatchUp, writeEmmettHistory, type EmmettProjection } from './peers/emmett';
import { JOURNEY_SUMMARY_TABLE, journeyAppend, journeyCatchUp, writeJourneyHistory } from './peers/journey';
import { messageDbAppend, messageDbVersion } from './peers/message-db';
import { expectedSummary, history, readSummary, sameSummary, type AppendShape, type SummaryCheck } from './peers/workload';

const DURATION = Number(process.env.DURATION ?? 5);
const RUNS = Number(process.env.RUNS ?? 3);
const HISTORY = Number(process.env.HISTORY ?? 40_000);
const HISTORY_PER_CALL = 10;
const PROBE_EVENTS = 5_000;
const HEADING = '## Peers (`npm run bench:peers`)';

interface AppendPoint extends AppendShape {
  readonly id: string;
  /** journey ÷ Emmett wanted. */
  readonly target: number;
}

const APPENDS: AppendPoint[] = [
  { id: '1x8', perCall: 1, callers: 8, target: 2 },
  { id: '1x64', perCall: 1, callers: 64, target: 4 },
  { id: '10x8', perCall: 10, callers: 8, target: 1.5 },
  { id: '10x64', perCall: 10, callers: 64, target: 1.5 },
  { id: '100x8', perCall: 100, callers: 8, target: 1.5 },
  { id: '100x64', perCall: 100, callers: 64, target: 1.5 },
];
const MESSAGE_DB: AppendShape = { perCall: 1, callers: 8 };
const CATCH_UP_TARGET = 2;

/** Figures of one run, events/s. */
interface Run {
  copy: number;
  unnest: number;
  journey: Map<string, number>;
  emmett: Map<string, number>;
  emmettRetries: Map<string, number>;
  messageDb: number;
  catchUp: { journey: number; emmettSql: number; emmettPongo: number };
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function measureRun(run: number, url: string, historyUrl: string, expected: SummaryCheck, problems: string[]): Promise<Run> {
  await freshJourneySchema(url);
  const copy = await copyCeiling(url, DURATION);
  log(`run ${run}: COPY ceiling ${fmt(copy)} events/s`);
  const unnest = await ceiling(url, DURATION);
  log(`run ${run}: unnest ceiling (C) ${fmt(unnest)} events/s`);

  const result: Run = { copy, unnest, journey: new Map(), emmett: new Map(), emmettRetries: new Map(), messageDb: 0, catchUp: { journey: 0, emmettSql: 0, emmettPongo: 0 } };
  for (const point of APPENDS) {
    // Who goes first alternates between runs, so that neither always meets a warmer server.
    const order = run % 2 === 1 ? ['journey', 'emmett'] : ['emmett', 'journey'];
    for (const who of order) {
      if (who === 'journey') {
        result.journey.set(point.id, await journeyAppend(url, point, DURATION));
      } else {
        const emmett = await emmettAppend(url, point, DURATION);
        result.emmett.set(point.id, emmett.rate);
        result.emmettRetries.set(point.id, emmett.retries);
      }
    }
    log(
      `run ${run}: ${point.perCall} per call × ${point.callers} callers: journey ${fmt(result.journey.get(point.id)!)}, ` +
        `Emmett ${fmt(result.emmett.get(point.id)!)} events/s (${result.emmettRetries.get(point.id)} conflicts retried)`,
    );
  }
  result.messageDb = await messageDbAppend(url, MESSAGE_DB, DURATION);
  log(`run ${run}: Message DB write_message, 1 per call × 8 callers: ${fmt(result.messageDb)} events/s`);

  const checked = async (who: string, seconds: number, summary: Promise<SummaryCheck>): Promise<number> => {
    const got = await summary;
    if (!sameSummary(got, expected)) problems.push(`run ${run}: ${who}'s summary adds up to ${JSON.stringify(got)}, not ${JSON.stringify(expected)}`);
    return got.orders / seconds;
  };
  result.catchUp.journey = await checked(
    'journey',
    await journeyCatchUp(historyUrl, `peers-summary-${run}`),
    readSummary(historyUrl, JOURNEY_SUMMARY_TABLE, 'orders', 'revenue'),
  );
  result.catchUp.emmettSql = await checked('Emmett (raw SQL)', await emmettCatchUp(historyUrl, 'sql', `peers-sql-${run}`), readEmmett(historyUrl, 'sql'));
  result.catchUp.emmettPongo = await checked('Emmett (Pongo)', await emmettCatchUp(historyUrl, 'pongo', `peers-pongo-${run}`), readEmmett(historyUrl, 'pongo'));
  log(
    `run ${run}: catch-up of ${fmt(HISTORY)} events: journey ${fmt(result.catchUp.journey)}, Emmett raw SQL ${fmt(result.catchUp.emmettSql)}, ` +
      `Emmett Pongo ${fmt(result.catchUp.emmettPongo)} events/s`,
  );
  return result;
}

function readEmmett(url: string, kind: EmmettProjection): Promise<SummaryCheck> {
  return kind === 'sql'
    ? readSummary(url, EMMETT_SQL_TABLE, 'orders', 'revenue')
    : readSummary(url, `public.${EMMETT_PONGO_COLLECTION}`, "(data->>'orders')::bigint", "data->'revenue'");
}

/**
 * Not a speed figure: each store's consumer catching up over events written by 8 callers at once
 * (the order in which transactions commit then differs from the order of positions handed out).
 */
async function concurrencyProbe(url: string): Promise<{ journey: SummaryCheck; emmett: SummaryCheck; expected: SummaryCheck }> {
  const calls = history(PROBE_EVENTS, HISTORY_PER_CALL);
  await writeJourneyHistory(url, calls, 8);
  await journeyCatchUp(url, 'peers-probe');
  const journey = await readSummary(url, JOURNEY_SUMMARY_TABLE, 'orders', 'revenue');
  await writeEmmettHistory(url, calls, 8);
  await emmettCatchUp(url, 'sql', 'peers-probe');
  const emmett = await readEmmett(url, 'sql');
  return { journey, emmett, expected: expectedSummary(calls) };
}

interface Versions {
  readonly emmett: string;
  readonly pongo: string;
  readonly messageDb: string;
  readonly pgCopyStreams: string;
  readonly pg: string;
}

function versions(): Versions {
  const pinned = (JSON.parse(readFileSync(require.resolve('journey-bench-peers/package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
  const version = (name: string) => (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  return {
    emmett: pinned['@event-driven-io/emmett-postgresql']!,
    pongo: pinned['@event-driven-io/pongo']!,
    messageDb: messageDbVersion(),
    pgCopyStreams: version('pg-copy-streams'),
    pg: version('pg'),
  };
}

async function main(): Promise<void> {
  const began = performance.now();
  const loadBefore = loadavg()[0]!;
  const url = await benchDatabaseUrl('journey_bench_peers');
  const historyUrl = await benchDatabaseUrl('journey_bench_peers_history');
  const machine = await describeMachine(url);

  const calls = history(HISTORY, HISTORY_PER_CALL);
  const expected = expectedSummary(calls);
  let started = performance.now();
  await writeJourneyHistory(historyUrl, calls);
  const journeyHistorySeconds = (performance.now() - started) / 1000;
  started = performance.now();
  await writeEmmettHistory(historyUrl, calls);
  const emmettHistorySeconds = (performance.now() - started) / 1000;
  log(`history: ${fmt(HISTORY)} events of ${fmt(expected.customers)} customers, written by one caller in ${journeyHistorySeconds.toFixed(1)} s (journey) and ${emmettHistorySeconds.toFixed(1)} s (Emmett)`);

  const problems: string[] = [];
  const runs: Run[] = [];
  for (let run = 1; run <= RUNS; run++) runs.push(await measureRun(run, url, historyUrl, expected, problems));
  const probe = await concurrencyProbe(url);
  log(`probe: ${fmt(PROBE_EVENTS)} events written by 8 callers: journey's summary counts ${fmt(probe.journey.orders)}, Emmett's ${fmt(probe.emmett.orders)}`);

  const minutes = (performance.now() - began) / 60_000;
  const section = write(machine, runs, expected, probe, problems, versions(), minutes, [loadBefore, loadavg()[0]!]);
  log(`\n${section}`);
  for (const problem of problems) log(`PROBLEM: ${problem}`);
}

function ratio(values: readonly number[]): string {
  return `${median(values).toFixed(2)}×`;
}

function verdict(value: number, target: number): string {
  return value >= target ? 'met' : 'not met';
}

function write(
  machine: Machine,
  runs: readonly Run[],
  expected: SummaryCheck,
  probe: { journey: SummaryCheck; emmett: SummaryCheck; expected: SummaryCheck },
  problems: readonly string[],
  v: Versions,
  minutes: number,
  load: readonly [number, number],
): string {
  const c = runs.map((r) => r.unnest);
  const perC = (pick: (r: Run) => number) => `${median(runs.map((r) => pick(r) / r.unnest)).toFixed(2)} C`;
  const appendLines = APPENDS.map((point) => {
    const journey = runs.map((r) => r.journey.get(point.id)!);
    const emmett = runs.map((r) => r.emmett.get(point.id)!);
    const ratios = runs.map((r) => r.journey.get(point.id)! / r.emmett.get(point.id)!);
    const retries = runs.reduce((sum, r) => sum + r.emmettRetries.get(point.id)!, 0);
    return (
      `| append, ${point.perCall} per call, ${point.callers} callers | ${spread(journey)} | Emmett ${spread(emmett)}${retries ? ` (${fmt(retries)} conflicts retried)` : ''} | ` +
      `${ratio(ratios)} | ${perC((r) => r.journey.get(point.id)!)} / ${perC((r) => r.emmett.get(point.id)!)} | ≥ ${point.target}× | ${verdict(median(ratios), point.target)} |`
    );
  });
  const mdbRatios = runs.map((r) => r.journey.get('1x8')! / r.messageDb);
  const catchUpLine = (label: string, pick: (r: Run) => number, target: boolean) => {
    const ratios = runs.map((r) => r.catchUp.journey / pick(r));
    return (
      `| catch-up, customer summary over ${fmt(HISTORY)} events | ${spread(runs.map((r) => r.catchUp.journey))} | ${label} ${spread(runs.map(pick))} | ` +
      `${ratio(ratios)} | ${perC((r) => r.catchUp.journey)} / ${perC(pick)} | ${target ? `≥ ${CATCH_UP_TARGET}×` : ''} | ${target ? verdict(median(ratios), CATCH_UP_TARGET) : ''} |`
    );
  };
  // The target is judged against Emmett's faster projection.
  const sqlFaster = median(runs.map((r) => r.catchUp.emmettSql)) >= median(runs.map((r) => r.catchUp.emmettPongo));

  const date = new Date().toISOString();
  const section = [
    HEADING,
    '',
    'A part alone: the library\'s appends and a summary projection, beside Emmett and Message DB on the same workload; the whole engine as users run it is measured by `npm run bench:engine`.',
    '',
    `Measured ${date} on commit ${commitOf()}: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os},`,
    `Node ${machine.node}, PostgreSQL ${machine.postgres} (stock settings, synchronous commit on), over TCP on 127.0.0.1.`,
    `Command: \`npm run bench:peers\` (${RUNS} runs of ${DURATION} s per append point; each run measures the ceilings first; ${minutes.toFixed(1)} min in all).`,
    `Load average (1 min) at the start and the end: ${load[0].toFixed(2)}, ${load[1].toFixed(2)} (anything else running on these ${machine.cores} cores moves the figures; the ratios less).`,
    `Peers: @event-driven-io/emmett-postgresql ${v.emmett} (Pongo ${v.pongo}), @eventide/message-db ${v.messageDb}; pg ${v.pg} for all, pg-copy-streams ${v.pgCopyStreams}.`,
    '',
    'Every store gets the same events: purchases of about 400 bytes (bench-support) to streams picked at random',
    'among 10,000, from closed-loop callers in this process; every append point starts on an empty store, and',
    'each store gets a pool of 10 connections (pg\'s default, which Emmett uses). Figures are the median over the',
    'runs (min–max); ratios are the median of each run\'s own ratio. Emmett refuses the loser of two first appends',
    'racing on one stream (a unique violation it reports as a version conflict): the bench makes that call again,',
    'as an application writing without a version check would. Message DB\'s schema is installed from the package\'s',
    'scripts into `message_store` (without its role and grants); its write_message takes an advisory lock on the',
    'stream\'s category, and all these streams are of the category `customer`, so its writes go one at a time.',
    '',
    `Catch-up: ${fmt(HISTORY)} purchases (10 a call, ${fmt(expected.customers)} customers, three currencies) written once by one caller to`,
    'journey and to Emmett in a database of their own, then folded into a per-customer summary (orders, revenue',
    'per currency, last purchase) from the start in every run. journey: `store.subscribe` with batches of 1,000,',
    'each folded into one upsert in the batch\'s transaction, where the subscription moves its checkpoint. Emmett:',
    '`rebuildPostgreSQLProjections` (its consumer, stopping when no message is left), pulling 1,000 at a time without',
    'pause (its defaults, 100 and 50 ms, would cap it at 2,000 events/s), with a Pongo document projection',
    '(`pongoMultiStreamProjection`, as its documentation writes read models) and with `postgreSQLRawSQLProjection`',
    'running the same upsert as journey for one event; its projector hands a projection one event at a time and',
    'stores its checkpoint after each, all in one transaction per batch. Each summary is checked against the history.',
    `The history is smaller than journey's other benchmarks use because Emmett's catch-up runs at hundreds of events/s.`,
    '',
    `Ceilings (median, min–max): COPY … FROM STDIN (pg-copy-streams), 1,000-row batches, 2 connections: ${spread(runs.map((r) => r.copy))} events/s;`,
    `INSERT … SELECT FROM unnest, 1,000-row batches, 2 connections (C): ${spread(c)} events/s. COPY = ${perC((r) => r.copy)}.`,
    '',
    '| scenario | journey, events/s | peer, events/s | journey ÷ peer | journey / peer, to C | target | |',
    '| --- | ---: | ---: | ---: | ---: | --- | --- |',
    ...appendLines,
    `| append, 1 per call, 8 callers | ${spread(runs.map((r) => r.journey.get('1x8')!))} | Message DB ${spread(runs.map((r) => r.messageDb))} | ${ratio(mdbRatios)} | ${perC((r) => r.journey.get('1x8')!)} / ${perC((r) => r.messageDb)} |  |  |`,
    catchUpLine('Emmett, raw SQL', (r) => r.catchUp.emmettSql, sqlFaster),
    catchUpLine('Emmett, Pongo', (r) => r.catchUp.emmettPongo, !sqlFaster),
    '',
    `The catch-up target is judged against Emmett's faster projection. Apart from speed: ${fmt(PROBE_EVENTS)} purchases written by 8 callers at`,
    `once (transactions then commit out of the order of their positions) and caught up the same way give journey's summary`,
    `${fmt(probe.journey.orders)} of ${fmt(probe.expected.orders)} orders and Emmett's ${fmt(probe.emmett.orders)}` +
      (probe.emmett.orders < probe.expected.orders
        ? ': Emmett\'s consumer reads in transaction order but resumes after the last global position it saw, so it skips events of later transactions that hold lower positions.'
        : '.'),
    ...(problems.length ? ['', 'Problems in this run:', ...problems.map((p) => `- ${p}`)] : []),
    '',
  ].join('\n');
  const perPeer = (journey: (r: Run) => number, peer: (r: Run) => number) => ({
    journey: spreadOf(runs.map(journey)),
    peer: spreadOf(runs.map(peer)),
    ratio: median(runs.map((r) => journey(r) / peer(r))),
  });
  recordResults(HEADING, section, 'peers', {
    date,
    commit: commitOf(),
    machine,
    command: 'npm run bench:peers',
    runs: RUNS,
    durationSeconds: DURATION,
    versions: v,
    unitOfFigures: 'events/s',
    ceilings: { copy: spreadOf(runs.map((r) => r.copy)), unnest: spreadOf(c) },
    appends: APPENDS.map((point) => {
      const figures = perPeer((r) => r.journey.get(point.id)!, (r) => r.emmett.get(point.id)!);
      return { id: point.id, peerName: 'emmett', perCall: point.perCall, callers: point.callers, ...figures, target: point.target, met: figures.ratio >= point.target };
    }),
    messageDb: { id: '1x8', peerName: 'message-db', ...perPeer((r) => r.journey.get('1x8')!, (r) => r.messageDb) },
    catchUp: {
      events: HISTORY,
      emmettSql: perPeer((r) => r.catchUp.journey, (r) => r.catchUp.emmettSql),
      emmettPongo: perPeer((r) => r.catchUp.journey, (r) => r.catchUp.emmettPongo),
      target: CATCH_UP_TARGET,
    },
    probe: { expectedOrders: probe.expected.orders, journeyOrders: probe.journey.orders, emmettOrders: probe.emmett.orders },
    problems,
  });
  return section;
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
