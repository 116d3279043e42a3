import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgDatabase } from '@journey/database';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { PiiVault } from '@journey/privacy';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';
import { rebuildCustomerProjection } from '@journey/projections';
import { EngineProcess, PROCESS_MASTER_KEY } from '../support/engine-process';
import { ProjectionHarness } from '../support/projection-harness';
import { until } from '../support/until';
import { exampleRulesFor } from './support/example-rules';
import { PacedLoad } from './support/paced-load';
import { describeWithCluster, PgCluster } from './support/pg-cluster';
import { ReceiverProcess } from './support/receiver-process';
import { healthLag, maxLagEvents } from './support/samples';

const LONG = process.env.JOURNEY_FAULTS === 'long';
const CYCLES = LONG ? 12 : 3;
const CONSUMERS = ['projection:customer_360'];

describeWithCluster('engine killed with SIGKILL again and again under load, with actions firing', () => {
  let cluster: PgCluster;
  let url: string;
  let folder: string;
  let receiver: ReceiverProcess;

  beforeAll(async () => {
    cluster = await PgCluster.create();
    url = await cluster.createDatabase('kill_cycles');
    folder = mkdtempSync(join(tmpdir(), 'journey-kill-cycles-'));
    receiver = new ReceiverProcess(join(folder, 'deliveries.jsonl'));
    await receiver.start();
  });
  afterAll(async () => {
    await receiver?.stop();
    await cluster?.cleanup();
    rmSync(folder, { recursive: true, force: true });
  });

  it(`loses nothing, doubles nothing, rebuilds to the same read models and records each action once, over ${CYCLES} kills`, async () => {
    const engine = new EngineProcess({
      DATABASE_URL: url,
      JOURNEY_RULES_FILE: exampleRulesFor(folder, receiver.url, { quietHours: false }),
      JOURNEY_WEBHOOK_SECRET: 'kill-cycles',
      JOURNEY_RATE_LIMITS: 'off',
      JOURNEY_SAGA_TICK: '1s',
      JOURNEY_DELIVERY_TIMEOUT: '2s',
      JOURNEY_DELIVERY_BACKOFF: '1s',
      JOURNEY_RFM_INTERVAL_SECONDS: '0',
      JOURNEY_CLOCK_INTERVAL_SECONDS: '0',
    });
    // Sign-ups with consent, then first purchases: the welcome rule fires for most customers.
    const load = new PacedLoad(() => ({ url: engine.url, headers: engine.headers() }), {
      eventsPerSecond: 150,
      batch: 10,
      customers: Array.from({ length: LONG ? 2000 : 400 }, (_, i) => `kill-${i}`),
      types: ['CustomerRegistered', 'ConsentChanged', 'ConsentChanged', 'PurchaseCompleted', 'PageViewed', 'ProductViewed'],
    });

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      await engine.start();
      if (cycle === 0) load.start();
      // Killed once actions are under way, at a random point: mid-batch, mid-delivery or between.
      const delivered = receiver.deliveries().length;
      await until(() => (receiver.deliveries().length > delivered || cycle > 0 ? true : undefined), 10 * 60_000, 'the first deliveries');
      await new Promise((resolve) => setTimeout(resolve, 1500 + randomInt(3000)));
      await engine.kill();
    }
    await engine.start();
    await load.stop();
    expect(load.acked.size).toBeGreaterThan(500);

    // Clients send again what they never heard back about: duplicates are recognised.
    const unknown = [...load.attempted.values()].filter((sent) => !load.acked.has(sent.event.eventId));
    for (let i = 0; i < unknown.length; i += 500) {
      const response = await fetch(`${engine.url}/v1/events`, {
        method: 'POST',
        headers: engine.headers(true),
        body: JSON.stringify({ events: unknown.slice(i, i + 500).map((sent) => sent.event) }),
      });
      expect(response.status).toBe(202);
    }
    const pendingActions = async () =>
      Number((await cluster.query<{ n: string }>("SELECT count(*) AS n FROM journey.outbox WHERE state = 'pending'", [], 'kill_cycles'))[0]!.n);
    await until(async () => {
      const lag = await healthLag(engine.url);
      return lag && CONSUMERS.every((name) => name in lag) && maxLagEvents(lag, CONSUMERS) === 0 && (await pendingActions()) === 0 ? true : undefined;
    }, 20 * 60_000, 'the projection and the saga to catch up and every action to be delivered');
    await engine.stop();

    const db = new PgDatabase({ url, poolSize: 4, applicationName: 'journey-fault-check' });
    // The engine's master key, so that the rebuild opens personal data as the projector did.
    const vault = await PiiVault.open(db, Buffer.from(PROCESS_MASTER_KEY, 'base64'));
    const store = new PostgresEventStore(db, { vault });
    try {
      // 0 lost, 0 doubled: each event sent is stored once, in contiguous streams with sound chains.
      const stored = await db.query<{ event_id: string }>("SELECT event_id::text AS event_id FROM journey.events WHERE source <> 'journey'");
      const ids = stored.rows.map((row) => row.event_id);
      expect(ids.length).toBe(load.attempted.size);
      expect(new Set(ids).size).toBe(ids.length);
      const storedIds = new Set(ids);
      expect([...load.attempted.keys()].filter((id) => !storedIds.has(id))).toEqual([]);
      const gaps = await db.query('SELECT stream_id FROM journey.events GROUP BY stream_id HAVING count(*) <> max(stream_position)');
      expect(gaps.rows).toEqual([]);
      const chains = await store.verifyAll();
      expect(chains.broken).toEqual([]);
      expect(chains.events).toBeGreaterThan(ids.length);

      // Each decided action delivered, under its one key, and its effect recorded once.
      const outbox = await db.query<{ action_id: string; state: string; body: string }>(
        "SELECT action_id::text AS action_id, state, body FROM journey.outbox WHERE channel = 'webhook'",
      );
      expect(outbox.rows.length).toBeGreaterThan(10);
      expect(outbox.rows.filter((row) => row.state !== 'sent')).toEqual([]);
      const dispatched = await db.query<{ action_id: string; n: string }>(
        "SELECT data->>'actionId' AS action_id, count(*) AS n FROM journey.events WHERE type = 'ActionDispatched' GROUP BY 1",
      );
      expect(dispatched.rows.filter((row) => Number(row.n) !== 1)).toEqual([]);
      expect(new Set(dispatched.rows.map((row) => row.action_id))).toEqual(new Set(outbox.rows.map((row) => row.action_id)));
      const deliveries = receiver.deliveries();
      const byKey = new Map<string, Set<string>>();
      for (const delivery of deliveries) byKey.set(delivery.idempotencyKey, (byKey.get(delivery.idempotencyKey) ?? new Set()).add(delivery.body));
      expect(new Set(byKey.keys())).toEqual(new Set(outbox.rows.map((row) => row.action_id)));
      const bodies = new Map(outbox.rows.map((row) => [row.action_id, row.body]));
      for (const [key, sent] of byKey) expect([key, [...sent]]).toEqual([key, [bodies.get(key)]]);
      process.stderr.write(
        `fault figures: kill cycles: ${CYCLES} kills, ${load.acked.size} of ${load.attempted.size} events acknowledged before the retries, ` +
          `${outbox.rows.length} actions, ${deliveries.length} deliveries (${deliveries.length - byKey.size} repeated)\n`,
      );

      // The read models equal a rebuild from the log, row by row.
      const harness = new ProjectionHarness(db);
      const live = await harness.dump();
      await rebuildCustomerProjection(db, store, { lifecycle: DEFAULT_PROJECTION_OPTIONS.lifecycle, batchSize: 1000 });
      expect(firstDifference(live, await harness.dump())).toBeUndefined();
      await harness.close();
    } finally {
      await store.close();
      await vault.close();
      await db.close();
    }
  }, (LONG ? 90 : 40) * 60_000);
});

/** The first row of the read models that differs between two dumps, with both versions; undefined when equal. */
function firstDifference(live: string, rebuilt: string): { live: unknown; rebuilt: unknown } | undefined {
  if (live === rebuilt) return undefined;
  type Dump = Record<'customers' | 'visitors', unknown[]>;
  const [a, b] = [JSON.parse(live) as Dump, JSON.parse(rebuilt) as Dump];
  for (const table of ['customers', 'visitors'] as const) {
    for (let i = 0; i < Math.max(a[table].length, b[table].length); i++) {
      if (JSON.stringify(a[table][i]) !== JSON.stringify(b[table][i])) return { live: a[table][i], rebuilt: b[table][i] };
    }
  }
  return { live: 'rows equal, text differs', rebuilt: '' };
}
