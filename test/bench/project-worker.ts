/**
 * One catch-up of the customer projection over the whole log, in a process of its own so that
 * its peak memory is its own: prints {events, seconds, maxRssMiB} as JSON.
 */
import 'reflect-metadata';
import { PgDatabase } from '@journey/database';
import { benchStore } from './bench-history';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';
import { rebuildCustomerProjection } from '@journey/projections';

async function main(): Promise<void> {
  const url = process.argv[2];
  if (!url) throw new Error('usage: project-worker <database url>');
  const db = new PgDatabase({ url, poolSize: 4, applicationName: 'journey-bench-project' });
  const store = await benchStore(db);
  const report = await rebuildCustomerProjection(db, store, {
    lifecycle: DEFAULT_PROJECTION_OPTIONS.lifecycle,
    batchSize: Number(process.env.BATCH ?? DEFAULT_PROJECTION_OPTIONS.batchSize),
  });
  await store.close();
  await db.close();
  process.stdout.write(`${JSON.stringify({ events: report.events, seconds: report.seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
