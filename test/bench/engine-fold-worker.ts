/**
 * Live folding alone, in a process of its own: `engine-fold-worker <database url>` starts the
 * customer projection as the engine runs it (the Projector over the live tables, fed from the
 * log after its checkpoint), waits until it has folded everything committed, the stage and
 * membership changes it derived on the way included, and prints {seconds, maxRssMiB} as JSON.
 * The lifecycle clock and the RFM schedule stay off.
 */
import 'reflect-metadata';
import { PgDatabase } from '@journey/database';
import { isBefore } from '@journey/event-store';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { Projector } from '@journey/projections';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';

async function main(): Promise<void> {
  const url = process.argv[2];
  if (!url) throw new Error('usage: engine-fold-worker <database url>');
  // The engine's pool size (JOURNEY_DB_POOL_SIZE's default).
  const db = new PgDatabase({ url, poolSize: 10, applicationName: 'journey-bench-fold' });
  const store = new PostgresEventStore(db);
  const projector = new Projector(db, store, { ...DEFAULT_PROJECTION_OPTIONS, clockIntervalMs: 0, rfmIntervalMs: 0 }, () => new Date());
  const started = performance.now();
  projector.start();
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

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
