/**
 * One catch-up of the customer pass with the rules decider over the whole log, in a process of
 * its own, from empty read models and saga state:
 * `saga-worker <url> decide` times the deciding (rules already saved; prints {events, seconds,
 * decisions, maxRssMiB}); `saga-worker <url> dispatch <receiver>` lets the saga decide untimed,
 * then times the delivery of the whole outbox to the receiver (prints {actions, seconds}).
 */
import 'reflect-metadata';
import type { ActionChannel } from '@journey/contracts';
import { DEFAULT_LIFECYCLE } from '@journey/domain';
import { PgDatabase } from '@journey/database';
import { benchStore } from './bench-history';
import { DEFAULT_SAGA_SETTINGS, LogChannel, Saga, WebhookChannel, type Channel } from '@journey/journeys';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';
import { CUSTOMER_PROJECTION, Projector } from '@journey/projections';

async function main(): Promise<void> {
  const [url, mode] = process.argv.slice(2) as [string, 'decide' | 'dispatch'];
  const db = new PgDatabase({ url, poolSize: 4, applicationName: 'journey-bench-saga' });
  await db.exec(
    `TRUNCATE journey.customer_360, journey.visitor_activity, journey.saga_decisions, journey.saga_timers, journey.outbox, journey.saga_actions;
     DELETE FROM journey.checkpoints WHERE name = '${CUSTOMER_PROJECTION}';`,
  );
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM journey.events WHERE source <> 'journey'");
  const store = await benchStore(db);
  const settings = { ...DEFAULT_SAGA_SETTINGS, lifecycle: DEFAULT_LIFECYCLE, rates: DEFAULT_PROJECTION_OPTIONS.rates, tickMs: 0, maxEventAgeMs: 3650 * 86_400_000, batchSize: 2000 };
  const channels = new Map<ActionChannel, Channel>([
    ['log', new LogChannel({ info: () => undefined })],
    ['webhook', new WebhookChannel('bench-secret', 5000)],
  ]);
  const saga = new Saga(db, store, settings, channels, () => new Date());
  const projector = new Projector(db, store, { ...DEFAULT_PROJECTION_OPTIONS, clockIntervalMs: 0, rfmIntervalMs: 0, batchSize: 2000 }, () => new Date(), {
    deciders: [saga.decider()],
  });
  let started = performance.now();
  await saga.start();
  projector.start();
  await projector.caughtUp();
  let seconds = (performance.now() - started) / 1000;
  await projector.stop();
  await saga.stop();
  let result: object;
  if (mode === 'decide') {
    const decisions = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey.saga_decisions')).rows[0]!.n;
    result = { events: rows[0]!.n, seconds, decisions, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
  } else {
    started = performance.now();
    const report = await saga.tick();
    seconds = (performance.now() - started) / 1000;
    result = { actions: report.delivered, failed: report.retried + report.dead, seconds };
  }
  await store.close();
  await db.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
