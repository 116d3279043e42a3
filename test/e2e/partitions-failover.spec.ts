import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { streamIdOf } from '@journey/contracts';
import { dataset } from '@journey/datagen';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';
import { CUSTOMER_PROJECTION, rebuildCustomerProjection } from '@journey/projections';
import { EngineProcess } from '../support/engine-process';
import { ProjectionHarness } from '../support/projection-harness';
import { createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';
import { WebhookReceiver } from '../support/webhook-receiver';

// The customer pass folds and judges the rules: one lease group.
const GROUPS = [CUSTOMER_PROJECTION];
const PARTITIONS = 16;
const LEASE_SECONDS = 3;

describeWithServer('two engine processes on one database share the customer partitions', () => {
  let t: TestDatabase;
  let folder: string;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    t = await createTestDatabase('postgres', 4);
    folder = mkdtempSync(join(tmpdir(), 'journey-partitions-'));
  });
  afterAll(async () => {
    await receiver.stop();
    await t.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  /** Partition → owner of a group's live leases. */
  const owners = async (group: string): Promise<Map<number, string>> => {
    const { rows } = await t.db.query<{ partition: number; owner: string }>(
      'SELECT partition, owner FROM journey.partition_leases WHERE grp = $1 AND owner IS NOT NULL AND lease_until > clock_timestamp()',
      [group],
    );
    return new Map(rows.map((row) => [Number(row.partition), row.owner]));
  };

  it('splits the partitions, survives kill -9 of one process, and folds every event once', async () => {
    const base = await receiver.start();
    const rules = join(folder, 'rules.json');
    writeFileSync(
      rules,
      JSON.stringify([{ id: 'on-purchase', name: 'on purchase', trigger: { event: 'PurchaseCompleted' }, action: { channel: 'webhook', target: `${base}/hook`, template: '{}' } }]),
    );
    const env = {
      DATABASE_URL: t.url!,
      JOURNEY_RULES_FILE: rules,
      JOURNEY_WEBHOOK_SECRET: 'secret',
      JOURNEY_SAGA_MAX_EVENT_AGE: '3650d',
      JOURNEY_PARTITIONS: String(PARTITIONS),
      JOURNEY_LEASE_SECONDS: String(LEASE_SECONDS),
      JOURNEY_PROJECTOR_BATCH: '200',
      JOURNEY_RFM_INTERVAL_SECONDS: '0',
      JOURNEY_CLOCK_INTERVAL_SECONDS: '0',
    };
    const first = new EngineProcess(env);
    const second = new EngineProcess(env);
    await first.start();
    await second.start();

    // Both processes hold a fair share of each group's partitions.
    for (const group of GROUPS) {
      await until(async () => {
        const held = await owners(group);
        const shares = [...new Set(held.values())].map((owner) => [...held.values()].filter((o) => o === owner).length);
        return held.size === PARTITIONS && shares.length === 2 && shares.every((n) => n === PARTITIONS / 2) ? true : undefined;
      }, 120_000, `${group} split between the two processes`);
    }

    // /health says which partitions a process holds and each consumer's lag (a partitioned one's by its partition furthest behind); /metrics gives each partition's.
    const health = (await (await fetch(`${first.url}/health`)).json()) as {
      partitions: Record<string, { owned: number[]; of: number; members: number }>;
      lag: Record<string, unknown>;
    };
    for (const group of GROUPS) expect(health.partitions[group]).toMatchObject({ of: PARTITIONS, members: 2 });
    expect(health.partitions[CUSTOMER_PROJECTION]!.owned).toHaveLength(PARTITIONS / 2);
    expect(Object.keys(health.lag)).toContain(CUSTOMER_PROJECTION);
    expect(Object.keys(health.lag).filter((name) => name.includes('#'))).toEqual([]);
    const metrics = await (await fetch(`${first.url}/metrics`, { headers: first.headers() })).text();
    expect(metrics).toContain(`journey_partitions_owned{group="${CUSTOMER_PROJECTION}"} ${PARTITIONS / 2}`);
    expect(metrics).toContain(`journey_consumer_lag_events{consumer="${CUSTOMER_PROJECTION}#15/${PARTITIONS}"}`);

    const store = new PostgresEventStore(t.db);
    const now = new Date();
    const population = [...dataset({ seed: 41, customers: 600, until: now }, now).customers()];
    const appendCustomers = async (customers: typeof population): Promise<void> => {
      for (const customer of customers) {
        const byStream = new Map<string, (typeof customer.events)[number][]>();
        for (const event of customer.events) byStream.set(streamIdOf(event), [...(byStream.get(streamIdOf(event)) ?? []), event]);
        await store.appendMany([...byStream].map(([streamId, events]) => ({ streamId, events })));
      }
    };
    await appendCustomers(population.slice(0, 300));

    // kill -9 the second while it folds: the first takes its partitions once their leases lapse.
    const before = await owners(CUSTOMER_PROJECTION);
    const killedOwner = [...new Set(before.values())].find((owner) => owner.includes(`:${second.pid}:`))!;
    expect(killedOwner).toBeDefined();
    await second.kill();
    const killedAt = Date.now();
    for (const group of GROUPS) {
      await until(async () => {
        const held = await owners(group);
        return held.size === PARTITIONS && new Set(held.values()).size === 1 && ![...held.values()].includes(killedOwner)
          ? true
          : undefined;
      }, 120_000, `${group} taken over by the surviving process`);
    }
    process.stderr.write(`partitions of the killed process taken over ${((Date.now() - killedAt) / 1000).toFixed(1)} s after kill -9 (lease ${LEASE_SECONDS} s)\n`);

    await appendCustomers(population.slice(300));
    await until(async () => {
      const last = await store.lastCommitted();
      return (await store.checkpointsReached(GROUPS, last)) ? true : undefined;
    }, 600_000, 'both subscriptions caught up');
    // What is decided is delivered and recorded before the survivor stops.
    await until(async () => {
      const { rows } = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM journey.outbox WHERE state <> 'sent'");
      return rows[0]!.n === 0 ? true : undefined;
    }, 300_000, 'the outbox delivered');
    await until(async () => ((await store.checkpointsReached(GROUPS, await store.lastCommitted())) ? true : undefined), 300_000, 'the recorded actions folded');
    await first.stop();

    // Every purchase decided once, every delivery recorded once.
    const { rows: decisions } = await t.db.query<{ purchases: number; outbox: number; triggers: number }>(
      `SELECT (SELECT count(*)::int FROM journey.events WHERE type = 'PurchaseCompleted') AS purchases,
              (SELECT count(*)::int FROM journey.outbox) AS outbox,
              (SELECT count(DISTINCT trigger_event_id)::int FROM journey.outbox) AS triggers`,
    );
    expect(decisions[0]!.purchases).toBeGreaterThan(100);
    expect(decisions[0]!.outbox).toBe(decisions[0]!.purchases);
    expect(decisions[0]!.triggers).toBe(decisions[0]!.purchases);
    const { rows: dispatched } = await t.db.query<{ events: number; actions: number }>(
      `SELECT count(*)::int AS events, count(DISTINCT data->>'actionId')::int AS actions FROM journey.events WHERE type = 'ActionDispatched'`,
    );
    expect(dispatched[0]!.events).toBe(decisions[0]!.purchases);
    expect(dispatched[0]!.actions).toBe(decisions[0]!.purchases);

    // The read models the two processes folded equal a rebuild, row by row.
    const harness = new ProjectionHarness(t.db);
    const live = await harness.dump();
    await rebuildCustomerProjection(t.db, store, { lifecycle: DEFAULT_PROJECTION_OPTIONS.lifecycle, batchSize: 1000 });
    const rebuilt = await harness.dump();
    expect(rebuilt.length).toBeGreaterThan(1000);
    expect(rebuilt).toBe(live);
    await harness.close();
    await store.close();
  }, 1_500_000);
});
