import { randomInt } from 'node:crypto';
import { streamIdOf } from '@journey/contracts';
import { dataset } from '@journey/datagen';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { RuleStore } from '@journey/journeys';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';
import { CUSTOMER_PROJECTION, projectionLag, rebuildCustomerProjection } from '@journey/projections';
import { EngineProcess } from '../support/engine-process';
import { ProjectionHarness } from '../support/projection-harness';
import { createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';

/** Rules the pass judges on every order and every search of the generated history (its events are old: the age limit is lifted). */
const RULES = [
  { id: 'every-order', name: 'every order', trigger: { event: 'PurchaseCompleted' }, action: { channel: 'log', target: 'orders', template: '{"n": {{json customer.commerce.orders}} }' } },
  {
    id: 'searches-capped',
    name: 'searches, capped',
    trigger: { event: 'SearchPerformed' },
    limits: { frequencyCap: { count: 1, per: '30d' } },
    action: { channel: 'log', target: 'searches', template: '{}' },
  },
];

describeWithServer('customer pass killed with SIGKILL again and again while events flow', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase('postgres', 4);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('ends with read models equal to a fresh rebuild, row by row, and every decision taken once, after 12 crashes', async () => {
    const rules = new RuleStore(t.db);
    for (const rule of RULES) await rules.save(rule);
    const store = new PostgresEventStore(t.db);
    const until = new Date('2026-06-01T00:00:00Z');
    const population = dataset({ seed: 23, customers: 5000, until }, until).customers();
    let writing = true;
    let written = false;
    const writer = (async () => {
      for (const customer of population) {
        if (!writing) break;
        const byStream = new Map<string, (typeof customer.events)[number][]>();
        for (const event of customer.events) byStream.set(streamIdOf(event), [...(byStream.get(streamIdOf(event)) ?? []), event]);
        await store.appendMany([...byStream].map(([streamId, events]) => ({ streamId, events })));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      written = true;
    })();

    const projector = new EngineProcess(
      {
        DATABASE_URL: t.url!,
        JOURNEY_RFM_INTERVAL_SECONDS: '0',
        JOURNEY_CLOCK_INTERVAL_SECONDS: '0',
        JOURNEY_PROJECTOR_BATCH: '300',
        JOURNEY_SAGA_MAX_EVENT_AGE: '5200w',
      },
      'projector',
    );
    let checkpointMoves = 0;
    let last = 0;
    const checkpoint = async () =>
      (await t.db.query<{ position: number }>('SELECT position FROM journey.checkpoints WHERE name = $1', [CUSTOMER_PROJECTION])).rows[0]?.position ?? 0;
    for (let crash = 0; crash < 12; crash++) {
      await projector.start();
      // Killed at a random point once it is under way: mid-batch, mid-write or between batches.
      for (let waited = 0; (await checkpoint()) === last; waited += 20) {
        if (written && (await projectionLag(t.db, CUSTOMER_PROJECTION)).events === 0) break;
        if (waited > 120_000) throw new Error('the projector did not move its checkpoint');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, randomInt(400)));
      await projector.kill();
      const position = await checkpoint();
      if (position > last) checkpointMoves++;
      last = position;
    }
    writing = false;
    await writer;
    expect(checkpointMoves).toBeGreaterThanOrEqual(10);

    await projector.start();
    for (let waited = 0; (await projectionLag(t.db, CUSTOMER_PROJECTION)).events > 0; waited += 200) {
      if (waited > 600_000) throw new Error('the projector did not catch up');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await projector.stop();

    // Each triggering event judged once by each rule: no decision lost to a crash, none taken twice.
    const count = async (sql: string, params: unknown[] = []) => (await t.db.query<{ n: number }>(sql, params)).rows[0]!.n;
    for (const rule of ['every-order', 'searches-capped']) {
      const decisions = await count('SELECT count(*)::int AS n FROM journey.saga_decisions WHERE rule_id = $1', [rule]);
      expect(decisions).toBeGreaterThan(100);
      expect(await count('SELECT count(DISTINCT trigger_event_id)::int AS n FROM journey.saga_decisions WHERE rule_id = $1', [rule])).toBe(decisions);
    }
    expect(await count("SELECT count(*)::int AS n FROM journey.saga_decisions WHERE rule_id = 'every-order'")).toBe(
      await count("SELECT count(*)::int AS n FROM journey.events WHERE type = 'PurchaseCompleted' AND stream_id LIKE 'customer-%'"),
    );
    // An action is recorded once: one outbox row per dispatch decision, one suppression event per suppression.
    expect(await count("SELECT count(*)::int AS n FROM journey.outbox")).toBe(await count("SELECT count(*)::int AS n FROM journey.saga_decisions WHERE decision = 'dispatch'"));
    expect(await count("SELECT count(*)::int AS n FROM journey.saga_decisions WHERE rule_id = 'searches-capped' AND decision = 'suppress'")).toBeGreaterThan(0);
    expect(await count("SELECT count(*)::int AS n FROM journey.events WHERE type = 'ActionSuppressed'")).toBe(
      await count("SELECT count(*)::int AS n FROM journey.saga_decisions WHERE decision = 'suppress'"),
    );

    const harness = new ProjectionHarness(t.db);
    const live = await harness.dump();
    const decided = async () => [await count('SELECT count(*)::int AS n FROM journey.saga_decisions'), await count('SELECT count(*)::int AS n FROM journey.outbox')];
    const before = await decided();
    await rebuildCustomerProjection(t.db, store, { lifecycle: DEFAULT_PROJECTION_OPTIONS.lifecycle, batchSize: 1000 });
    const rebuilt = await harness.dump();
    // A rebuild folds the history again and judges none of it.
    expect(await decided()).toEqual(before);
    expect(rebuilt.length).toBeGreaterThan(1000);
    expect(rebuilt).toBe(live);
    await harness.close();
    await store.close();
  }, 1_200_000);
});
