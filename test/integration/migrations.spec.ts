import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { defaultMigrationsDir, loadMigrations, loadSqlFunctions, migrate, type Migration, type SqlFunction } from '@journey/database';
import type { EventType } from '@journey/contracts';
import { emptyCustomer360, foldEvents, DEFAULT_LIFECYCLE } from '@journey/domain';
import type { NewEvent } from '@journey/event-store';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { DeadLetterStore } from '@journey/ingest';
import { AccessLog } from '@journey/platform';
import { LIVE_TABLES, readCustomers, saveCustomers, WeeklyAggregates, weekOf } from '@journey/projections';
import { SAMPLE_DATA } from '../support/sample-events';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

const FUNCTIONS = loadSqlFunctions(join(defaultMigrationsDir(), 'functions'));
const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);

/** The migration files of a database created while migrations also restated the functions. */
function formerMigrations(): Migration[] {
  const former = loadMigrations(join(__dirname, 'legacy-sql'));
  const replaced = new Set(former.map((m) => m.name));
  return [...former, ...loadMigrations().filter((m) => !replaced.has(m.name) && m.name < '014')].sort(byName);
}

function withBody(fn: SqlFunction, from: string, to: string): SqlFunction {
  const sql = fn.sql.replace(from, to);
  return { ...fn, sql, checksum: `${fn.checksum}-edited` };
}

function pageView(): NewEvent {
  return { eventId: randomUUID(), type: 'PageViewed', version: 1, occurredAt: '2026-03-01T12:00:00.000Z', source: 'web', data: { url: '/' }, metadata: {} };
}

function derived(type: EventType): NewEvent {
  return { eventId: randomUUID(), type, version: 1, occurredAt: '2026-03-02T12:00:00.000Z', source: 'journey', data: SAMPLE_DATA[type] as Record<string, unknown>, metadata: {} };
}

describe.each(backends())('migrations and SQL functions on %s', (backend) => {
  let t: TestDatabase;

  beforeEach(async () => {
    t = await createTestDatabase(backend, 2);
    await t.db.exec('DROP SCHEMA journey CASCADE');
  });
  afterEach(() => t.drop());

  async function signatures(): Promise<string[]> {
    const { rows } = await t.db.query<{ args: string }>(
      `SELECT pg_get_function_identity_arguments(p.oid) AS args FROM pg_proc p
       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'journey' AND p.proname = 'append_events'`,
    );
    return rows.map((row) => row.args.replace(/p_\w+ /g, ''));
  }

  async function ledger(table: 'schema_migrations' | 'schema_functions'): Promise<Map<string, string>> {
    const { rows } = await t.db.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM journey.${table}`);
    return new Map(rows.map((row) => [row.name, row.checksum]));
  }

  it('creates every function before the migrations whose triggers call them, on an empty database', async () => {
    const report = await migrate(t.db);
    expect(report.functions).toEqual(FUNCTIONS.map((fn) => fn.name));
    expect(report.applied).toEqual(loadMigrations().map((m) => m.name));
    expect(await signatures()).toEqual(['text[], bigint[], bigint[], text[], text, uuid[]']);
    const store = new PostgresEventStore(t.db);
    await store.append('customer-1', [pageView()]);
    await store.close();
    await expect(t.db.query('DELETE FROM journey.events')).rejects.toThrow(/append-only: DELETE refused/);
  });

  it('upgrades a database migrated while migrations restated the functions: its history verifies and appends go on', async () => {
    await migrate(t.db, formerMigrations(), []);
    await t.db.exec('DROP TABLE journey.schema_functions');
    expect(await signatures()).toHaveLength(2);
    const before = new PostgresEventStore(t.db);
    await before.append('customer-1', [pageView(), pageView()]);
    await before.close();

    const report = await migrate(t.db);
    // What the former migrations did not have: 014 on, every later one in its order.
    expect(report.applied).toEqual(loadMigrations().map((m) => m.name).filter((name) => name >= '014'));
    expect(report.functions).toEqual(FUNCTIONS.map((fn) => fn.name));
    expect(await signatures()).toEqual(['text[], bigint[], bigint[], text[], text, uuid[]']);
    const recorded = await ledger('schema_migrations');
    for (const m of loadMigrations()) expect([m.name, recorded.get(m.name)]).toEqual([m.name, m.checksum]);

    const after = new PostgresEventStore(t.db);
    await after.append('customer-1', [pageView()], 2);
    expect(await after.verify('customer-1')).toEqual({ streamId: 'customer-1', ok: true, events: 3 });
    await after.close();
    expect(await migrate(t.db)).toMatchObject({ applied: [], functions: [] });
  });

  it("leaves the customer's own events in the 360's event count on upgrading to 026, as the fold counts them", async () => {
    await migrate(t.db, loadMigrations().filter((m) => m.name < '026'));
    const store = new PostgresEventStore(t.db);
    await store.append('customer-c1', [pageView(), derived('LifecycleStageChanged'), pageView(), derived('ActionScheduled'), derived('SegmentEntered')]);
    await store.append('customer-c2', [pageView()]);
    // As the fold before 026 left them: every event of the stream counted.
    await saveCustomers(t.db, LIVE_TABLES, [
      { before: undefined, after: { ...emptyCustomer360('c1'), eventCount: 5 } },
      { before: undefined, after: { ...emptyCustomer360('c2'), eventCount: 1 } },
    ]);

    expect((await migrate(t.db)).applied).toContain('026_event_count_own.sql');
    const rows = await readCustomers(t.db, ['c1', 'c2']);
    expect([rows.get('c1')!.eventCount, rows.get('c2')!.eventCount]).toEqual([2, 1]);
    const state = { customers: new Map(), visitors: new Map() };
    foldEvents(await store.readStream('customer-c1'), state, DEFAULT_LIFECYCLE);
    expect(state.customers.get('c1')!.eventCount).toBe(2);
    await store.close();
  });

  it('keeps the stage changes the log held before 027, with the weekly counts neither lost nor doubled', async () => {
    await migrate(t.db, loadMigrations().filter((m) => m.name < '027'));
    const store = new PostgresEventStore(t.db);
    const change = (from: string, to: string): NewEvent => ({ ...derived('LifecycleStageChanged'), data: { from, to, reason: 'test' } });
    await store.append('customer-c1', [change('prospect', 'first_time'), change('first_time', 'repeat')]);
    // As the weekly subscription left them before 027: the changes counted by week, its checkpoint past them.
    const head = await store.lastCommitted();
    const week = weekOf(derived('LifecycleStageChanged').occurredAt);
    await t.db.query(`INSERT INTO journey.weekly_stage_changes (week, from_stage, to_stage, changes) VALUES ($1, 'prospect', 'first_time', 1), ($1, 'first_time', 'repeat', 1)`, [week]);
    await t.db.query(`INSERT INTO journey.checkpoints (name, tx_id, position) VALUES ('analytics:weekly', $1::text::xid8, $2)`, [String(head.commit), head.position]);
    const weeklyCounts = async () => (await t.db.query(`SELECT from_stage, to_stage, changes FROM journey.weekly_stage_changes ORDER BY 1, 2`)).rows;

    expect((await migrate(t.db)).applied).toContain('027_stage_changes.sql');
    await store.append('customer-c2', [change('prospect', 'first_time')]);
    const errors: unknown[] = [];
    const weekly = new WeeklyAggregates(store, (error) => void errors.push(error));
    await weekly.start();
    await weekly.caughtUp();
    await weekly.stop();
    const { rows } = await t.db.query<{ stream_id: string; from_stage: string; to_stage: string }>(
      'SELECT stream_id, from_stage, to_stage FROM journey.stage_changes ORDER BY stream_id, from_stage',
    );
    expect(rows.map((row) => `${row.stream_id} ${row.from_stage}→${row.to_stage}`)).toEqual([
      'customer-c1 first_time→repeat',
      'customer-c1 prospect→first_time',
      'customer-c2 prospect→first_time',
    ]);
    expect(await weeklyCounts()).toEqual([
      { from_stage: 'first_time', to_stage: 'repeat', changes: 1 },
      { from_stage: 'prospect', to_stage: 'first_time', changes: 2 },
    ]);
    expect(errors).toEqual([]);
    await store.close();
  });

  it('lists the dead letters and access-log rows written before 031 first, in id order, and pages on from their ids', async () => {
    await migrate(t.db, loadMigrations().filter((m) => m.name < '031'));
    await t.db.query(
      `INSERT INTO journey.dead_letters (recorded_at, topic, kafka_partition, kafka_offset, value_bytes, errors)
       SELECT now(), 'journey.events', 0, n, 0, '[]' FROM generate_series(1, 2) AS n`,
    );
    await t.db.query(
      `INSERT INTO journey.access_log (at, method, route, path, filters, status, duration_ms)
       SELECT now(), 'GET', '/v1/customers', '/' || n, '{}', 200, 1 FROM generate_series(1, 2) AS n`,
    );

    expect((await migrate(t.db)).applied).toEqual(expect.arrayContaining(['031_dead_letters_commit_order.sql', '032_access_log_commit_order.sql']));
    const letters = new DeadLetterStore(t.db, () => new Date());
    await letters.record([{ message: { topic: 'journey.events', partition: 0, offset: '3', key: null, value: null }, errors: [{ field: 'value', reason: 'is empty' }] }]);
    const log = new AccessLog(t.db, (error) => {
      throw error;
    });
    log.record({ at: new Date().toISOString(), keyId: null, role: null, method: 'GET', route: '/v1/customers', path: '/3', filters: {}, status: 200, durationMs: 1 });
    await log.close();

    // Other tests' transactions on the server may hold the horizon a moment.
    await until(async () => ((await letters.list(0, 10)).length === 3 && (await log.read({ limit: 10 })).length === 3 ? true : undefined), 10_000, 'every row below the horizon');
    const [firstLetter] = await letters.list(0, 1);
    expect([firstLetter!.offset, ...(await letters.list(firstLetter!.id, 10)).map((letter) => letter.offset)]).toEqual(['1', '2', '3']);
    const [firstRow] = await log.read({ limit: 1 });
    expect([firstRow!.path, ...(await log.read({ after: firstRow!.id, limit: 10 })).map((row) => row.path)]).toEqual(['/1', '/2', '/3']);
  });

  it('applies a function again when its file changes, and only then', async () => {
    await migrate(t.db);
    const refuse = FUNCTIONS.find((fn) => fn.name === 'refuse_change.sql')!;
    const edited = FUNCTIONS.map((fn) => (fn === refuse ? withBody(fn, 'is append-only', 'never changes') : fn));

    expect((await migrate(t.db, loadMigrations(), edited)).functions).toEqual(['refuse_change.sql']);
    await expect(t.db.query('TRUNCATE journey.events')).rejects.toThrow(/journey.events never changes/);
    expect((await migrate(t.db, loadMigrations(), edited)).functions).toEqual([]);
    expect((await migrate(t.db)).functions).toEqual(['refuse_change.sql']);
    expect((await ledger('schema_functions')).get('refuse_change.sql')).toBe(refuse.checksum);
  });

  it('stops at a migration edited after it was applied, and keeps the functions of that run out', async () => {
    await migrate(t.db);
    const edited = loadMigrations().map((m) => (m.name.startsWith('002_') ? { ...m, checksum: 'edited' } : m));
    const refuse = FUNCTIONS.find((fn) => fn.name === 'refuse_change.sql')!;
    const functions = FUNCTIONS.map((fn) => (fn === refuse ? withBody(fn, 'is append-only', 'never changes') : fn));

    await expect(migrate(t.db, edited, functions)).rejects.toThrow('migration 002_projections.sql was changed after it was applied');
    expect((await ledger('schema_functions')).get('refuse_change.sql')).toBe(refuse.checksum);
    await expect(t.db.query('TRUNCATE journey.events')).rejects.toThrow(/is append-only/);
  });
});
