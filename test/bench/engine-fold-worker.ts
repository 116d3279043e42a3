/**
 * Live folding alone, in a process of its own: `engine-fold-worker <database url> [processes]`
 * starts the customer projection as the engine runs it (the Projector over the live tables, fed
 * from the log after its checkpoint), waits until it has folded everything committed, the stage
 * and membership changes it derived on the way included, and prints {seconds, maxRssMiB} as JSON.
 * The lifecycle clock and the RFM schedule stay off.
 *
 * It is one of `processes` workers side by side (1 by default), sharing the customer partitions
 * through their leases as engine processes do (the engine's partition count and lease period).
 * It first takes its share, prints `ready`, and starts folding when a line arrives on its
 * standard input, so that every worker times the same work from a split already made.
 */
import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { PgDatabase, type Queryable } from '@journey/database';
import { isBefore, type PartitionLeases } from '@journey/event-store';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { CUSTOMER_ITEMS_PROJECTION, CUSTOMER_PROJECTION, Projector } from '@journey/projections';
import { DEFAULT_PROJECTION_OPTIONS, loadConfig } from '@journey/platform';

async function main(): Promise<void> {
  const url = process.argv[2];
  const processes = Number(process.argv[3] ?? 1);
  if (!url || !(processes >= 1)) throw new Error('usage: engine-fold-worker <database url> [processes]');
  // The engine's pool size (JOURNEY_DB_POOL_SIZE's default).
  const db = new PgDatabase({ url, poolSize: 10, applicationName: 'journey-bench-fold' });
  const store = new PostgresEventStore(db);
  const { partitions: split } = loadConfig({});
  const partitions = store.partitionLeases(CUSTOMER_PROJECTION, split);
  const itemsLease = store.partitionLeases(CUSTOMER_ITEMS_PROJECTION, { count: 1, leaseMs: split.leaseMs });
  await partitions.start();
  await settled(partitions, processes);
  process.stdout.write('ready\n');
  await goAhead();
  const projector = new Projector(db, store, { ...DEFAULT_PROJECTION_OPTIONS, clockIntervalMs: 0, rfmIntervalMs: 0 }, () => new Date(), { partitions, itemsLease });
  const started = performance.now();
  void projector.start();
  // What the pass derives is appended as it goes and folded in turn: caught up once a catch-up leaves nothing newer.
  let head = await store.lastCommitted();
  for (;;) {
    await projector.caughtUp();
    const now = await store.lastCommitted();
    if (!isBefore(head, now)) break;
    head = now;
  }
  const seconds = (performance.now() - started) / 1000;
  await projector.stop();
  await store.close();
  await db.close();
  process.stdout.write(`${JSON.stringify({ seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
}

/** Resolves once `processes` members share the partitions and this one holds its part (at least the floor of an even split). */
async function settled(partitions: PartitionLeases<Queryable>, processes: number): Promise<void> {
  const share = Math.floor(partitions.count / processes);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const status = partitions.status();
    if (status.members === processes && status.owned.length >= share && status.owned.length <= share + 1) return;
    if (Date.now() > deadline) throw new Error(`the partitions did not settle between ${processes} workers: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function goAhead(): Promise<void> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: process.stdin });
    lines.once('line', () => {
      lines.close();
      process.stdin.destroy();
      resolve();
    });
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
