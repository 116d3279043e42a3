/**
 * One catch-up of the saga over the whole log, in a process of its own: prints
 * {events, seconds, decisions, maxRssMiB} as JSON. The rules are already saved.
 */
import 'reflect-metadata';
import { DEFAULT_LIFECYCLE } from '@journey/domain';
import { PgDatabase, PostgresEventStore } from '@journey/event-store';
import { DEFAULT_SAGA_SETTINGS, LogChannel, Saga } from '@journey/journeys';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/projections';

async function main(): Promise<void> {
  const url = process.argv[2]!;
  const db = new PgDatabase({ url, poolSize: 4, applicationName: 'journey-bench-saga' });
  await db.exec(
    `TRUNCATE journey.saga_customers, journey.saga_decisions, journey.saga_timers, journey.outbox, journey.saga_actions;
     DELETE FROM journey.checkpoints WHERE name = 'saga:journeys';`,
  );
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM journey.events WHERE source <> 'journey'");
  const store = new PostgresEventStore(db);
  const saga = new Saga(
    db,
    store,
    { ...DEFAULT_SAGA_SETTINGS, lifecycle: DEFAULT_LIFECYCLE, rates: DEFAULT_PROJECTION_OPTIONS.rates, tickMs: 0, maxEventAgeMs: 3650 * 86_400_000, batchSize: 2000 },
    new Map([['log', new LogChannel({ info: () => undefined })]]),
    () => new Date(),
  );
  const started = performance.now();
  await saga.start();
  await saga.caughtUp();
  const seconds = (performance.now() - started) / 1000;
  await saga.stop();
  const decisions = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey.saga_decisions')).rows[0]!.n;
  await store.close();
  await db.close();
  process.stdout.write(`${JSON.stringify({ events: rows[0]!.n, seconds, decisions, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
