/**
 * npm run bench:fold-cost — what one live event costs PostgreSQL in the customer pass, in
 * figures the machine's load does not move: WAL written, heap tuples written, the share of HOT
 * updates, and index entries written, per event. A population of existing customers
 * (test/bench/query-seed.ts) receives random live events (two thirds ProductViewed, one third
 * PurchaseCompleted); the same database, copied once per arm, is folded under each way of writing
 * the 360, in the same run. WAL is counted per write statement with EXPLAIN (ANALYZE, WAL), so
 * the other databases of a shared server do not count; table figures come from the arm's own
 * pg_stat_user_tables. CUSTOMERS and EVENTS tune it.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import { CUSTOMER_STREAM_PREFIX } from '@journey/contracts';
import { PgDatabase, type Queryable, type QueryResult } from '@journey/database';
import { isBefore, type AppendRequest, type GlobalCursor, type NewEvent, type UnitOfWork } from '@journey/event-store';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';
import { CUSTOMER_PROJECTION, LIVE_TABLES, projectBatch } from '@journey/projections';
import { benchDatabaseUrl, commitOf, describeMachine, fmt, recordResults } from './bench-support';
import { liveEvent } from './engine-events';
import { populate } from './query-seed';
import { ARMS, fillSecondCopy, SECOND_COPY, type FoldCostArm } from './fold-cost-arms';
import { cpuSeconds } from './engine-processes';

const CUSTOMERS = Number(process.env.CUSTOMERS ?? 20_000);
const EVENTS = Number(process.env.EVENTS ?? 20_000);
const TEMPLATE = 'journey_bench_fold_cost';
const TABLES = ['customer_360', 'visitor_activity', 'bench_saga_customers'];
const HEADING = '## What one live event writes (`npm run bench:fold-cost`)';

interface WalUsage {
  bytes: number;
  records: number;
  fpi: number;
}

interface TableStats {
  readonly inserted: number;
  readonly updated: number;
  readonly hot: number;
  readonly indexes: number;
}

interface ArmResult {
  readonly arm: FoldCostArm;
  readonly events: number;
  readonly wal: WalUsage;
  readonly tables: Readonly<Record<string, TableStats>>;
  readonly tableMiB: number;
  /** The fold's wall time: load-sensitive, for orientation only. */
  readonly seconds: number;
  /** CPU seconds of PostgreSQL's processes and of this process (the pass's Node side) during the fold: load-sensitive. */
  readonly cpu: { readonly postgres: number; readonly node: number };
}

/** A transaction whose INSERTs and UPDATEs run under EXPLAIN (ANALYZE, WAL), their WAL added up. */
function counting(tx: Queryable, wal: WalUsage): Queryable {
  return {
    async query<R extends object>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      if (!/^\s*(INSERT|UPDATE)\b/i.test(sql)) return tx.query<R>(sql, params);
      // TIMING OFF: the statement's CPU is counted too, without a clock read per row.
      const { rows } = await tx.query<{ 'QUERY PLAN': Array<{ Plan: Record<string, number> }> }>(`EXPLAIN (ANALYZE, WAL, TIMING OFF, FORMAT JSON) ${sql}`, params);
      const plan = rows[0]!['QUERY PLAN'][0]!.Plan;
      wal.bytes += plan['WAL Bytes'] ?? 0;
      wal.records += plan['WAL Records'] ?? 0;
      wal.fpi += plan['WAL FPI'] ?? 0;
      return { rows: [], rowCount: 0 };
    },
    exec: (script: string) => tx.exec(script),
  };
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function urlOf(name: string): string {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${name}`;
  return url.toString();
}

/** The population, then the live events appended after the pass's checkpoint: what every arm folds. */
async function prepareTemplate(url: string): Promise<void> {
  // A small generated base folded from the log, cloned into the rest: the figures are per event, the base's size does not move them.
  await populate(url, { customers: CUSTOMERS, base: Math.min(500, Math.ceil(CUSTOMERS / 10)), now: new Date(), log: (line) => process.stdout.write(`${line}\n`) });
  const db = new PgDatabase({ url, poolSize: 2, applicationName: 'journey-bench-fold-cost' });
  const store = new PostgresEventStore(db);
  try {
    const at = new Date().toISOString();
    for (let n = 0; n < EVENTS; n += 1000) {
      const byStream = new Map<string, NewEvent[]>();
      for (let i = n; i < Math.min(EVENTS, n + 1000); i++) {
        const stream = `${CUSTOMER_STREAM_PREFIX}c1-${1 + Math.floor(Math.random() * CUSTOMERS)}`;
        byStream.set(stream, [...(byStream.get(stream) ?? []), liveEvent(i, at)]);
      }
      const requests: AppendRequest[] = [...byStream].map(([streamId, events]) => ({ streamId, events }));
      await store.appendMany(requests);
    }
  } finally {
    await store.close();
    await db.close();
  }
}

async function tableStats(url: string): Promise<Record<string, TableStats>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ relname: string; ins: string; upd: string; hot: string; indexes: number }>(
      `SELECT s.relname, s.n_tup_ins AS ins, s.n_tup_upd AS upd, s.n_tup_hot_upd AS hot,
         (SELECT count(*)::int FROM pg_index i WHERE i.indrelid = s.relid) AS indexes
       FROM pg_stat_user_tables s WHERE s.schemaname = 'journey' AND s.relname = ANY($1::text[])`,
      [TABLES],
    );
    return Object.fromEntries(rows.map((r) => [r.relname, { inserted: Number(r.ins), updated: Number(r.upd), hot: Number(r.hot), indexes: r.indexes }]));
  } finally {
    await client.end();
  }
}

async function runArm(arm: FoldCostArm): Promise<ArmResult> {
  const name = `${TEMPLATE}_${arm.key.toLowerCase()}`;
  await admin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
  });
  const url = urlOf(name);
  const setup = new Client({ connectionString: url });
  await setup.connect();
  // One statement at a time: VACUUM cannot run in the implicit transaction of a multi-statement query.
  for (const statement of arm.setup.split(';').map((text) => text.trim()).filter(Boolean)) await setup.query(statement);
  await setup.end();
  if (arm.secondCopy) {
    const db = new PgDatabase({ url, poolSize: 1, applicationName: 'journey-bench-fold-cost' });
    await fillSecondCopy(db);
    await db.close();
  }
  // Every arm starts right after a checkpoint: the same pages get their first full-page image.
  await admin((client) => client.query('CHECKPOINT'));
  const before = await tableStats(url);

  const db = new PgDatabase({ url, poolSize: 2, applicationName: 'journey-bench-fold-cost' });
  const store = new PostgresEventStore(db);
  const wal: WalUsage = { bytes: 0, records: 0, fpi: 0 };
  let events = 0;
  const postgresBefore = cpuSeconds([]).postgres;
  const nodeBefore = process.cpuUsage();
  const started = performance.now();
  try {
    const { rows } = await db.query<{ tx_id: string; position: number }>('SELECT tx_id::text AS tx_id, position FROM journey.checkpoints WHERE name = $1', [
      CUSTOMER_PROJECTION,
    ]);
    let cursor: GlobalCursor = { commit: Number(rows[0]!.tx_id), position: Number(rows[0]!.position) };
    // Events become readable once every transaction older than them has ended, on the whole server.
    const target = await store.lastCommitted();
    const context = { tables: LIVE_TABLES, lifecycle: DEFAULT_PROJECTION_OPTIONS.lifecycle, save: arm.save, deciders: arm.secondCopy ? [SECOND_COPY] : [] };
    while (isBefore(cursor, target)) {
      const folded = await store.unitOfWork(async (unit) => {
        const batch = await unit.readAll(cursor, DEFAULT_PROJECTION_OPTIONS.batchSize);
        if (batch.events.length === 0) return 0;
        const measured: UnitOfWork<Queryable> = {
          state: counting(unit.state, wal),
          readAll: (after, limit) => unit.readAll(after, limit),
          append: (requests) => unit.append(requests),
          appendAfterCommit: (requests) => unit.appendAfterCommit(requests),
        };
        await projectBatch(batch.events, measured, context);
        cursor = batch.next;
        return batch.events.length;
      });
      if (folded === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      events += folded;
    }
  } finally {
    await store.close();
    await db.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const node = process.cpuUsage(nodeBefore);
  const cpu = { postgres: cpuSeconds([]).postgres - postgresBefore, node: (node.user + node.system) / 1e6 };
  // The pool's backends have exited, so their table statistics are flushed.
  const after = await tableStats(url);
  const tables: Record<string, TableStats> = {};
  for (const [table, stats] of Object.entries(after)) {
    const base = before[table] ?? { inserted: 0, updated: 0, hot: 0, indexes: stats.indexes };
    tables[table] = { inserted: stats.inserted - base.inserted, updated: stats.updated - base.updated, hot: stats.hot - base.hot, indexes: stats.indexes };
  }
  const size = await admin(async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ bytes: string }>(`SELECT pg_total_relation_size('${LIVE_TABLES.customers}') AS bytes`);
    await client.end();
    return Number(rows[0]!.bytes);
  });
  await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  return { arm, events, wal, tables, tableMiB: size / 1048576, seconds, cpu };
}

function perEvent(result: ArmResult) {
  const sum = (pick: (s: TableStats) => number) => Object.values(result.tables).reduce((total, stats) => total + pick(stats), 0);
  const c360 = result.tables.customer_360!;
  return {
    walBytes: result.wal.bytes / result.events,
    walRecords: result.wal.records / result.events,
    fpi: result.wal.fpi / result.events,
    tuples: sum((s) => s.inserted + s.updated) / result.events,
    hotShare: c360.updated === 0 ? 0 : c360.hot / c360.updated,
    indexEntries: sum((s) => (s.inserted + s.updated - s.hot) * s.indexes) / result.events,
    indexes: c360.indexes,
    tableMiB: result.tableMiB,
    seconds: result.seconds,
    postgresUs: (result.cpu.postgres / result.events) * 1e6,
    nodeUs: (result.cpu.node / result.events) * 1e6,
  };
}

async function main(): Promise<void> {
  const url = await benchDatabaseUrl(TEMPLATE);
  const machine = await describeMachine(url);
  process.stdout.write(`population: ${fmt(CUSTOMERS)} customers, then ${fmt(EVENTS)} live events appended\n`);
  await prepareTemplate(url);
  const results: ArmResult[] = [];
  for (const arm of ARMS) {
    process.stdout.write(`folding: ${arm.label}\n`);
    results.push(await runArm(arm));
  }
  await admin((client) => client.query(`DROP DATABASE IF EXISTS ${TEMPLATE} WITH (FORCE)`));

  const rows = results.map((result) => ({ label: result.arm.label, key: result.arm.key, ...perEvent(result) }));
  const baseline = rows[0]!.walBytes;
  const section = [
    HEADING,
    '',
    'A part alone: the write of the customer pass, in figures that do not depend on the load of the machine.',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on commit ${commitOf()}: ${machine.cpu}, ${machine.cores} cores, PostgreSQL ${machine.postgres}.`,
    `Command: \`npm run bench:fold-cost\` (${fmt(CUSTOMERS)} existing customers, ${fmt(EVENTS)} live events at random: two thirds`,
    'ProductViewed, one third PurchaseCompleted; batches of the projector\'s default size). Each arm folds the same events over a copy',
    'of the same database. WAL is what the pass\'s write statements wrote (EXPLAIN (ANALYZE, WAL); the checkpoint\'s own update and',
    'the appended LifecycleStageChanged events are the same in every arm and left out); tuples and HOT updates come from',
    'pg_stat_user_tables of the arm\'s database; index entries are the tuples written outside HOT times the indexes of their table.',
    '',
    '| arm | WAL bytes / event | WAL records / event | full-page images / event | heap tuples / event | HOT share (360) | index entries / event | 360 indexes | 360 size after | CPU / event, PostgreSQL / the pass in Node (load-sensitive) | fold time (load-sensitive) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.label} | ${fmt(r.walBytes)} (${((r.walBytes / baseline) * 100).toFixed(0)} %) | ${r.walRecords.toFixed(2)} | ${r.fpi.toFixed(3)} | ${r.tuples.toFixed(2)} | ${(r.hotShare * 100).toFixed(0)} % | ${r.indexEntries.toFixed(2)} | ${r.indexes} | ${r.tableMiB.toFixed(1)} MiB | ${fmt(r.postgresUs)} / ${fmt(r.nodeUs)} µs | ${r.seconds.toFixed(1)} s |`,
    ),
    '',
    "What the arms change, one step at a time: the second fold wrote every customer again, whole, into the saga's copy; the one",
    "pass writes the 360 only. \"Whole rows\" sets every column of the row, so the bulky jsonb columns (purchase list, top",
    "products, profile, \u2026) are parsed, compressed and, past the TOAST threshold, written out again for every event;",
    "\"changed columns\" sends them only when the event replaced them, and the stored value is kept. Fillfactor 75 leaves room",
    "on each page for the next version of a row, so an update that changes no indexed column is HOT and writes no index",
    "entry; it holds for pages written after migration 015, and for all of them once `journey projections rebuild` has run.",
    "Purchases move `next_review_at` (indexed for the lifecycle clock), so they are seldom HOT. The 360 has one index more, on the birthday (partial: rows with one), which replaces the saga copy's.",
    'The event history (the daily counts the segment conditions read, about 1 kB of JSON per customer) changes with almost every',
    'event: stored as jsonb, each update converted its text to jsonb and compressed the result; stored as text (migration 024), the',
    'text is kept as sent. CPU is what PostgreSQL\'s processes and this process used while the arm folded (the write statements',
    'run under EXPLAIN (ANALYZE, WAL, TIMING OFF)); it moves with the load of the machine, the other figures do not.',
  ].join('\n');
  process.stdout.write(`\n${section}\n`);
  const file = recordResults(HEADING, section, 'foldCost', {
    date: new Date().toISOString(),
    commit: commitOf(),
    machine,
    command: 'npm run bench:fold-cost',
    customers: CUSTOMERS,
    events: EVENTS,
    arms: rows,
  });
  process.stdout.write(`\nrecorded in ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
