import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgDatabase } from '@journey/database';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { CUSTOMER_PROJECTION, projectionLag, rebuildCustomerProjection } from '@journey/projections';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';
import { PiiVault } from '@journey/privacy';
import { EngineProcess, PROCESS_MASTER_KEY } from '../support/engine-process';
import { ProjectionHarness } from '../support/projection-harness';
import { sampleEvent } from '../support/sample-events';
import { until } from '../support/until';
import { WebhookReceiver } from '../support/webhook-receiver';
import { FaultLoad } from './support/fault-load';
import { faultSettings, reportFigures } from './support/fault-settings';
import { describeWithCluster, PgCluster } from './support/pg-cluster';

type Fault = 'terminate-backends' | 'stop-fast' | 'stop-immediate' | 'stop-during-delivery';
const FAULTS: readonly Fault[] = ['terminate-backends', 'stop-fast', 'stop-immediate', 'stop-during-delivery'];
/** Every session the engine opens: its pool, its LISTEN connections and its NOTIFY connection. */
const ENGINE_SESSIONS = ['journey-engine', 'journey-listen', 'journey-notify'];

describeWithCluster('the engine while its database goes away under load', () => {
  const settings = faultSettings();
  const receiver = new WebhookReceiver();
  let cluster: PgCluster;
  let folder: string;
  let engine: EngineProcess;

  beforeAll(async () => {
    cluster = await PgCluster.create();
    folder = mkdtempSync(join(tmpdir(), 'journey-outage-'));
  }, 180_000);
  afterAll(async () => {
    await engine?.stop();
    await receiver.stop();
    await cluster?.cleanup();
    if (folder) rmSync(folder, { recursive: true, force: true });
  }, 180_000);

  it(
    'survives every fault, answers 503 (never 500) meanwhile, recovers by itself and loses or doubles nothing',
    async () => {
      const hook = await receiver.start();
      const rules = join(folder, 'rules.json');
      writeFileSync(
        rules,
        JSON.stringify([{ id: 'on-search', name: 'on search', trigger: { event: 'SearchPerformed' }, action: { channel: 'webhook', target: `${hook}/hook`, template: '{"query": {{json event.data.query}} }' } }]),
      );
      await cluster.createDatabase('journey_outage');
      engine = new EngineProcess({
        DATABASE_URL: cluster.url('journey_outage'),
        JOURNEY_RULES_FILE: rules,
        JOURNEY_WEBHOOK_SECRET: 'fault-secret',
        JOURNEY_SAGA_TICK: '1s',
        JOURNEY_DELIVERY_TIMEOUT: '5s',
        JOURNEY_DELIVERY_BACKOFF: '1s',
        JOURNEY_DELIVERY_ATTEMPTS: '100',
        JOURNEY_RFM_INTERVAL_SECONDS: '0',
        JOURNEY_CLOCK_INTERVAL_SECONDS: '0',
        JOURNEY_RATE_LIMITS: 'off',
      });
      await engine.start();
      const pid = engine.pid;
      const load = new FaultLoad(engine);
      load.start();
      try {
        await underFaults(load, pid);
      } catch (error) {
        const state = await Promise.all([
          cluster.query(`SELECT state, count(*)::int AS n, min(next_attempt_at) AS next, max(locked_until) AS locked FROM journey.outbox GROUP BY state`, [], 'journey_outage'),
          cluster.query(`SELECT name, tx_id::text, position FROM journey.checkpoints`, [], 'journey_outage'),
          cluster.query(`SELECT max(global_position) AS head, now() AS now FROM journey.events`, [], 'journey_outage'),
        ]).catch((failure: unknown) => String(failure));
        process.stderr.write(`webhook deliveries: ${receiver.requests.length}; database: ${JSON.stringify(state)}\nengine log (tail):\n${engine.log.slice(-6000)}\n`);
        throw error;
      } finally {
        await load.stop();
      }
    },
    settings.long ? 3_600_000 : 900_000,
  );

  async function underFaults(load: FaultLoad, pid: number | undefined): Promise<void> {
    const url = cluster.url('journey_outage');
    await until(() => (receiver.to('/hook').length > 0 ? true : undefined), 120_000, 'a first delivery');

    const recoveries: Array<{ fault: Fault; ms: number }> = [];
    const outageStatuses: number[] = [];
    let terminated = 0;
    let ackedBefore = 0;

    /** While the database is away: /health, a read and a write each answer 503. */
    const duringOutage = async (): Promise<void> => {
      const started = Date.now();
      outageStatuses.push(await until(async () => ((await load.get('/health', '/health')) === 503 ? 503 : undefined), 120_000, 'health 503'));
      outageStatuses.push((await load.get('/v1/customers/{id}', '/v1/customers/fault-probe')) ?? 0);
      outageStatuses.push((await load.post([sampleEvent('PageViewed', { customerId: 'fault-probe', occurredAt: new Date().toISOString() })])) ?? 0);
      const rest = settings.outageMs - (Date.now() - started);
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    };

    const inject = async (fault: Fault): Promise<void> => {
      switch (fault) {
        case 'terminate-backends':
          for (const name of ENGINE_SESSIONS) terminated += await cluster.terminate(name);
          return;
        case 'stop-fast':
        case 'stop-immediate':
          await cluster.stop(fault === 'stop-fast' ? 'fast' : 'immediate');
          await duringOutage();
          await cluster.start();
          return;
        case 'stop-during-delivery': {
          // The receiver acts on a delivery, and the database goes away before the engine hears back.
          let stopped: Promise<void> | undefined;
          receiver.respond = async () => {
            if (!stopped) {
              stopped = cluster.stop('immediate');
              await stopped;
            }
            return 200;
          };
          await until(() => (stopped ? true : undefined), 120_000, 'a delivery to stop the database in');
          await stopped;
          receiver.respond = () => 200;
          await duringOutage();
          await cluster.start();
          return;
        }
        default: {
          const unknown: never = fault;
          throw new Error(`unknown fault ${String(unknown)}`);
        }
      }
    };

    for (let round = 0; round < settings.rounds; round++) {
      for (const fault of FAULTS) {
        // Each fault meets work under way: appends, projection, saga batches and deliveries.
        await until(() => (load.acked.size >= ackedBefore + settings.ackedBetweenFaults ? true : undefined), 120_000, `load before ${fault}`);
        await inject(fault);
        const started = Date.now();
        await until(
          async () =>
            (await load.get('/health', '/health')) === 200 && (await load.post([sampleEvent('PageViewed', { customerId: 'fault-probe', occurredAt: new Date().toISOString() })])) === 202
              ? true
              : undefined,
          120_000,
          `recovery after ${fault}`,
        );
        recoveries.push({ fault, ms: Date.now() - started });
        ackedBefore = load.acked.size;
        expect(engine.pid).toBe(pid);
      }
    }
    await load.stop();

    // Requests whose answer was a 503 (or none) may have been committed: sent again, each is recognised.
    const unknown = [...load.attempted.values()].filter((event) => !load.acked.has(event.eventId));
    for (let i = 0; i < unknown.length; i += 500) {
      expect(await load.post(unknown.slice(i, i + 500))).toBe(202);
    }

    const db = new PgDatabase({ url, poolSize: 2, applicationName: 'journey-fault-check' });
    try {
      await until(
        async () => {
          const projection = await projectionLag(db, CUSTOMER_PROJECTION);
          const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM journey.outbox WHERE state = 'pending'`);
          return projection.events === 0 && rows[0]!.n === 0 ? true : undefined;
        },
        120_000,
        'the customer pass and the outbox to drain',
      );
      expect(engine.pid).toBe(pid);
      await engine.stop();
      expect(engine.log).toContain('every accepted append has settled');
      expect(engine.log).not.toMatch(/Unhandled|uncaught|failed to start/i);

      // Nothing lost or doubled: every event sent is in the log exactly once.
      const { rows: stored } = await db.query<{ event_id: string; copies: number }>(
        `SELECT event_id::text, count(*)::int AS copies FROM journey.events WHERE source <> 'journey' GROUP BY event_id`,
      );
      const copies = new Map(stored.map((row) => [row.event_id, row.copies]));
      for (const eventId of load.acked.keys()) expect([eventId, copies.get(eventId)]).toEqual([eventId, 1]);
      const probes = stored.length - load.attempted.size;
      expect(probes).toBeGreaterThanOrEqual(0);
      expect([...copies.values()].every((n) => n === 1)).toBe(true);

      // Each search fired one action, dispatched once, under one idempotency key.
      const { rows: searches } = await db.query<{ event_id: string }>(`SELECT event_id::text FROM journey.events WHERE type = 'SearchPerformed'`);
      const { rows: dispatched } = await db.query<{ trigger: string; action: string }>(
        `SELECT data->>'triggerEventId' AS trigger, data->>'actionId' AS action FROM journey.events WHERE type = 'ActionDispatched'`,
      );
      const { rows: failedOrSuppressed } = await db.query(`SELECT type FROM journey.events WHERE type IN ('ActionFailed', 'ActionSuppressed')`);
      expect(failedOrSuppressed).toEqual([]);
      expect(dispatched.map((row) => row.trigger).sort()).toEqual(searches.map((row) => row.event_id).sort());
      const keys = receiver.to('/hook').map((request) => String(request.headers['idempotency-key']));
      expect(new Set(keys)).toEqual(new Set(dispatched.map((row) => row.action)));

      // No 500 anywhere, the engine answered every request, and 503 while the database was away.
      expect(load.broken).toEqual({ serverErrors: 0, unanswered: 0 });
      expect(outageStatuses.every((status) => status === 503)).toBe(true);
      expect(terminated).toBeGreaterThan(0);

      // Read models equal a rebuild from the log, row by row.
      const harness = new ProjectionHarness(db);
      const live = await harness.dump();
      const vault = await PiiVault.open(db, Buffer.from(PROCESS_MASTER_KEY, 'base64'));
      const store = new PostgresEventStore(db, { vault });
      await rebuildCustomerProjection(db, store, { lifecycle: DEFAULT_PROJECTION_OPTIONS.lifecycle, batchSize: 1000 });
      const rebuilt = await harness.dump();
      await store.close();
      await vault.close();
      await harness.close();
      expect(rebuilt).toBe(live);

      reportFigures('database outage', {
        form: settings.long ? 'long' : 'short',
        faults: recoveries.length,
        outageMs: settings.outageMs,
        recoveryMs: Object.fromEntries(FAULTS.map((fault) => [fault, recoveries.filter((r) => r.fault === fault).map((r) => r.ms)])),
        backendsTerminated: terminated,
        eventsAcked: load.acked.size,
        eventsAnsweredWithoutAck: unknown.length,
        answered503: [...load.statuses].filter(([key]) => key.endsWith(' 503')).reduce((sum, [, n]) => sum + n, 0),
        answered5xxOther: load.broken.serverErrors,
        actions: dispatched.length,
        deliveries: keys.length,
        redeliveriesUnderSameKey: keys.length - new Set(keys).size,
        customers360: JSON.parse(live).customers.length,
      });
    } finally {
      await db.close();
    }
  }
});
