import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CUSTOMER_STREAM_PREFIX } from '@journey/contracts';
import { PgDatabase } from '@journey/database';
import type { AppendRequest, NewEvent } from '@journey/event-store';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { fmt } from './bench-support';
import { liveEvent } from './engine-events';
import { populate } from './query-seed';

const APPEND_BATCH = 1000;

export interface LiveFold {
  readonly events: number;
  readonly seconds: number;
  readonly rate: number;
  readonly maxRssMiB: number;
  /** Rows the fold inserted, updated or deleted per live event, by table of the journey schema (those of at least 0.05). */
  readonly rowsPerEvent: Readonly<Record<string, number>>;
}

/**
 * The population live folding runs over: `customers` customers in journey.customer_360, a
 * generated base folded from the log and the rest cloned from it (test/bench/query-seed.ts), the
 * projector's checkpoint at the head of the log. Clones are named c1-<n>, n from 1.
 */
export async function preparePopulation(url: string, customers: number, log: (line: string) => void): Promise<void> {
  const base = Math.min(2000, Math.ceil(customers / 10));
  await populate(url, { customers, base, now: new Date(), log });
}

/** Which customer (1 to the population's size) the i-th event goes to, and what it is. */
export interface LiveMix {
  readonly customerOf: (i: number, customers: number) => number;
  readonly eventOf: (i: number, at: string) => NewEvent;
}

/** The live mix (test/bench/engine-events.ts) to customers picked at random. */
export const RANDOM_LIVE_MIX: LiveMix = { customerOf: (_, customers) => 1 + Math.floor(Math.random() * customers), eventOf: liveEvent };

/**
 * Appends `events` events of `mix` (by default the live mix to customers picked at random),
 * then times the projector (engine-fold-worker, its own process) folding them.
 */
export async function liveFolding(url: string, customers: number, events: number, mix: LiveMix = RANDOM_LIVE_MIX, processes = 1): Promise<LiveFold> {
  const db = new PgDatabase({ url, poolSize: 4, applicationName: 'journey-bench-fold-append' });
  const store = new PostgresEventStore(db);
  try {
    const at = new Date().toISOString();
    for (let n = 0; n < events; n += APPEND_BATCH) {
      const byStream = new Map<string, NewEvent[]>();
      for (let i = n; i < Math.min(events, n + APPEND_BATCH); i++) {
        const stream = `${CUSTOMER_STREAM_PREFIX}c1-${mix.customerOf(i, customers)}`;
        byStream.set(stream, [...(byStream.get(stream) ?? []), mix.eventOf(i, at)]);
      }
      const requests: AppendRequest[] = [...byStream].map(([streamId, list]) => ({ streamId, events: list }));
      await store.appendMany(requests);
    }
  } finally {
    await store.close();
    await db.close();
  }
  process.stdout.write(`appended ${fmt(events)} events over ${fmt(customers)} customers; folding\n`);
  const before = await rowsWritten(url);
  const results = await foldWorkers(url, processes);
  const after = await rowsWritten(url);
  const rowsPerEvent: Record<string, number> = {};
  for (const [table, rows] of after) {
    const perEvent = (rows - (before.get(table) ?? 0)) / events;
    if (perEvent >= 0.05) rowsPerEvent[table] = perEvent;
  }
  const seconds = Math.max(...results.map((result) => result.seconds));
  return { events, seconds, rate: events / seconds, maxRssMiB: Math.max(...results.map((result) => result.maxRssMiB)), rowsPerEvent };
}

/**
 * Rows inserted, updated and deleted so far in each table of the journey schema of the database
 * (pg_stat_user_tables). A session's counts reach the statistics when it ends or within a second
 * or so: read until two reads half a second apart agree.
 */
async function rowsWritten(url: string): Promise<Map<string, number>> {
  const db = new PgDatabase({ url, poolSize: 1, applicationName: 'journey-bench-fold-stats' });
  try {
    let last = '';
    for (let attempt = 0; attempt < 40; attempt++) {
      const { rows } = await db.query<{ relname: string; written: string }>(
        "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del AS written FROM pg_stat_user_tables WHERE schemaname = 'journey' ORDER BY relname",
      );
      const now = JSON.stringify(rows);
      if (now === last) return new Map(rows.map((row) => [row.relname, Number(row.written)]));
      last = now;
      await new Promise((resolve) => setTimeout(resolve, 500));
      // Each read in a transaction of its own sees the statistics anew.
      await db.query('SELECT pg_stat_clear_snapshot()');
    }
    throw new Error('the table statistics did not settle');
  } finally {
    await db.close();
  }
}

/**
 * Runs `processes` fold workers (engine-fold-worker) over the database; several share the
 * partitions and start together once each holds its share. Resolves to what each printed.
 */
async function foldWorkers(url: string, processes: number): Promise<Array<{ seconds: number; maxRssMiB: number }>> {
  const worker = join(__dirname, 'engine-fold-worker.js');
  const children = Array.from({ length: processes }, () => spawn(process.execPath, [worker, url, String(processes)], { stdio: ['pipe', 'pipe', 'inherit'] }));
  let ready = 0;
  const outputs = children.map(
    (child) =>
      new Promise<{ seconds: number; maxRssMiB: number }>((resolve, reject) => {
        let last = '';
        createInterface({ input: child.stdout! }).on('line', (line) => {
          if (line === 'ready') {
            ready += 1;
            if (ready === processes) for (const each of children) each.stdin!.end('go\n');
          } else {
            last = line;
          }
        });
        child.on('error', reject);
        child.on('close', (code) => {
          if (code !== 0) return reject(new Error(`engine-fold-worker exited with ${code}`));
          try {
            resolve(JSON.parse(last) as { seconds: number; maxRssMiB: number });
          } catch {
            reject(new Error(`engine-fold-worker printed no result: ${JSON.stringify(last)}`));
          }
        });
      }),
  );
  try {
    return await Promise.all(outputs);
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  }
}
