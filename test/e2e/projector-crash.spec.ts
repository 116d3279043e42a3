import { dataset } from '@journey/datagen';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { RuleStore } from '@journey/journeys';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';
import { rebuildCustomerProjection } from '@journey/projections';
import { drainPass, killRepeatedly, writeHistories } from '../support/crash-loop';
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
    const writer = writeHistories(store, population);

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
    const checkpointMoves = await killRepeatedly(t.db, projector, 12, writer.done);
    await writer.stop();
    expect(checkpointMoves).toBeGreaterThanOrEqual(10);
    await drainPass(t.db, projector);

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
