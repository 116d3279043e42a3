import type { Database, Queryable, QueryResult } from '@journey/database';
import { AccessLog, type AccessEntry } from '@journey/platform';
import { backends, createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

let sequence = 0;
function entry(overrides: Partial<AccessEntry> = {}): AccessEntry {
  sequence += 1;
  return {
    at: new Date().toISOString(),
    keyId: null,
    role: null,
    method: 'GET',
    route: '/v1/customers',
    path: `/v1/customers/row-${sequence}`,
    filters: {},
    status: 401,
    durationMs: 1.5,
    ...overrides,
  };
}

interface Row {
  path: string;
  route: string;
  filters: Record<string, unknown>;
}

describe.each(backends())('the access log on %s', (backend) => {
  let t: TestDatabase;
  const errors: unknown[] = [];
  let log: AccessLog;

  beforeAll(async () => {
    t = await createTestDatabase(backend, 2);
    log = new AccessLog(t.db, (error) => errors.push(error), 60_000);
  });
  afterAll(async () => {
    await log.close();
    await t.drop();
  });
  beforeEach(async () => {
    errors.length = 0;
    await t.db.query('DELETE FROM journey.access_log');
  });

  /** The test database, its queries going through `query` (the access log only queries). */
  const withQuery = (query: (sql: string, params?: readonly unknown[]) => Promise<QueryResult<object>>): Database => ({
    kind: t.db.kind,
    concurrency: t.db.concurrency,
    query: query as Database['query'],
    exec: (script) => t.db.exec(script),
    transaction: (work) => t.db.transaction(work),
    notify: (channel, payload) => t.db.notify(channel, payload),
    listen: (channel, onNotify) => t.db.listen(channel, onNotify),
    close: () => Promise.resolve(),
  });

  const rows = async (): Promise<Row[]> => (await t.db.query<Row>('SELECT path, route, filters FROM journey.access_log ORDER BY id')).rows;

  it('reads the log page by page from the cursor of the last row read, each row once, within its filters', async () => {
    for (const keyId of ['k1', 'k2', 'k1', 'k1', 'k2', 'k1']) log.record(entry({ keyId }));
    await log.flush();
    for (const keyId of ['k2', 'k1']) log.record(entry({ keyId }));
    await log.flush();
    // Other tests' transactions on the server may hold the horizon a moment.
    await until(async () => ((await log.read({ limit: 100 })).length === 8 ? true : undefined), 10_000, 'every row below the horizon');
    const read: string[] = [];
    for (let page = await log.read({ keyId: 'k1', limit: 2 }); page.length > 0; page = await log.read({ keyId: 'k1', after: page[page.length - 1]!.id, limit: 2 })) {
      read.push(...page.map((row) => row.path));
    }
    expect(read).toEqual((await rows()).filter((_, i) => [0, 2, 3, 5, 7].includes(i)).map((row) => row.path));
  });

  it('keeps every row of a batch that holds NUL, lone surrogates and very long values, the hostile ones made storable', async () => {
    const good = [entry(), entry({ keyId: 'k1', role: 'marketing', status: 200, route: '/v1/exports/customers.csv', path: '/v1/exports/customers.csv' })];
    const hostile = [
      entry({ filters: { x: '\u0000' } }),
      entry({ path: '/v1/customers/\u0000', route: '/v1/customers/:customerId' }),
      entry({ filters: { ['k\u0000ey']: ['a\u0000', 'b'] } }),
      entry({ filters: { lone: 'a\uD800b', low: '\uDC00' } }),
      entry({ filters: { long: 'x'.repeat(100_000) } }),
    ];
    for (const e of [good[0]!, ...hostile, good[1]!]) log.record(e);
    await log.flush();

    const stored = await rows();
    expect(stored).toHaveLength(7);
    expect(errors).toEqual([]);
    expect(stored[0]!.path).toBe(good[0]!.path);
    expect(stored[6]!.route).toBe('/v1/exports/customers.csv');
    expect(stored[1]!.filters).toEqual({ x: '\uFFFD' });
    expect(stored[2]!.path).toBe('/v1/customers/\uFFFD');
    expect(stored[3]!.filters).toEqual({ 'k\uFFFDey': ['a\uFFFD', 'b'] });
    expect(stored[4]!.filters).toEqual({ lone: 'a\uFFFDb', low: '\uFFFD' });
    const long = stored[5]!.filters.long as string;
    expect(long.length).toBeLessThan(1100);
    expect(long).toMatch(/^x{1024}…\[truncated 98976 characters\]$/);
  });

  it('stores the values of personal filters redacted, and the other filters as sent', async () => {
    log.record(entry({ status: 200, filters: { email: 'heloise.abernathy@example.org', city: 'Little Snoring', stage: 'repeat', country: 'GB' } }));
    await log.flush();
    const [row] = await rows();
    expect(row!.filters).toEqual({ email: '[redacted]', city: '[redacted]', stage: 'repeat', country: 'GB' });
  });

  it('stores a path segment that reads as an e-mail address redacted: an e-mail searched as a customer id', async () => {
    log.record(entry({ status: 404, path: '/v1/customers/heloise.abernathy%40example.org' }));
    await log.flush();
    const [row] = await rows();
    expect(row!.path).toBe('/v1/customers/[redacted]');
  });

  it('bounds the number of filters a row keeps and says how many were left out', async () => {
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`p${i}`, String(i)]));
    log.record(entry({ filters: many }));
    await log.flush();
    const [row] = await rows();
    expect(Object.keys(row!.filters)).toHaveLength(51);
    expect(row!.filters['…']).toBe('[450 more parameters left out]');
  });

  it('writes a batch the database refuses row by row: no other row is lost, the refused one is kept escaped', async () => {
    // A rule the sanitiser does not know of, as a database in a narrower encoding than UTF-8 has.
    await t.db.exec(`ALTER TABLE journey.access_log ADD CONSTRAINT ascii_path_only CHECK (path ~ '^[ -~]*$')`);
    try {
      const batch = [entry(), entry({ path: '/v1/customers/zoë', filters: { q: 'zoë' } }), entry()];
      for (const e of batch) log.record(e);
      await log.flush();
      const stored = await rows();
      expect(stored.map((r) => r.path)).toEqual([batch[0]!.path, '/v1/customers/zo\\u00eb', batch[2]!.path]);
      expect(stored[1]!.filters).toEqual({ unrecordable: '{"q":"zo\\u00eb"}', refusedWith: '23514' });
      expect(errors).toHaveLength(1);
    } finally {
      await t.db.exec('ALTER TABLE journey.access_log DROP CONSTRAINT ascii_path_only');
    }
  });

  it('while the database is slow, writes one batch at a time and bounds what waits, dropping the oldest', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let writes = 0;
    const slow = withQuery(async (sql, params) => {
      writes += 1;
      if (writes === 1) await held;
      return t.db.query(sql, params);
    });
    const waiting = new AccessLog(slow, (error) => errors.push(error), 60_000);
    const paths: string[] = [];
    const refused = (count: number) => {
      for (let i = 0; i < count; i++) {
        const e = entry();
        paths.push(e.path);
        waiting.record(e);
      }
    };
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    // A first batch, whose write hangs; then 120,000 refused requests meanwhile.
    refused(600);
    await turn();
    refused(120_000);
    await turn();
    expect(writes).toBe(1);
    expect(errors.map((error) => (error as Error).message).some((message) => /too slow; \d+ rows dropped/.test(message))).toBe(true);
    release();
    await waiting.close();
    const stored = (await rows()).map((r) => r.path);
    // The first batch, then the newest rows (at most the bound of them), in order.
    expect(stored.slice(0, 600)).toEqual(paths.slice(0, 600));
    expect(stored.length - 600).toBeGreaterThanOrEqual(50_000);
    expect(stored.length - 600).toBeLessThan(51_000);
    expect(stored.slice(600)).toEqual(paths.slice(paths.length - (stored.length - 600)));
    expect(writes).toBe(2);
  });

  it('keeps the rows while the database is away and writes them once it is back', async () => {
    let away = true;
    const flaky = withQuery((sql, params) =>
      away ? Promise.reject(Object.assign(new Error('Connection terminated unexpectedly'), { code: undefined })) : t.db.query(sql, params),
    );
    const waiting = new AccessLog(flaky, (error) => errors.push(error), 60_000);
    const batch = [entry(), entry(), entry()];
    for (const e of batch) waiting.record(e);
    await waiting.flush();
    expect(await rows()).toEqual([]);
    away = false;
    waiting.record(entry());
    await waiting.close();
    expect((await rows()).map((r) => r.path).slice(0, 3)).toEqual(batch.map((e) => e.path));
    expect(await rows()).toHaveLength(4);
  });
});

describeWithServer('the access log read while other processes write theirs', () => {
  let t: TestDatabase;
  let other: Database;

  beforeAll(async () => {
    t = await createTestDatabase('postgres', 4);
    other = await t.open(2);
  });
  afterAll(async () => {
    await other.close();
    await t.drop();
  });

  /** A process's access log whose writes go through `db` (the log only queries). */
  const logOn = (db: Queryable): AccessLog =>
    new AccessLog({ ...t.db, query: (sql: string, params?: readonly unknown[]) => db.query(sql, params) } as unknown as Database, () => undefined, 60_000);

  /** A process writes a batch of the log in a transaction that stays open until `commit` is called. */
  const writeInOpenTransaction = async (path: string, before?: (tx: Queryable) => Promise<unknown>) => {
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let written!: () => void;
    const inserted = new Promise<void>((resolve) => (written = resolve));
    const done = t.db.transaction(async (tx) => {
      await before?.(tx);
      const log = logOn(tx);
      log.record(entry({ path }));
      await log.close();
      written();
      await held;
    });
    await inserted;
    return { commit: () => (commit(), done) };
  };

  it('gives every row once to an auditor who follows the cursor, whatever order the batches commit in', async () => {
    const auditor = new AccessLog(t.db, () => undefined, 60_000);
    const writer = new AccessLog(other, () => undefined, 60_000);
    const seen: string[] = [];
    let after = 0;
    const follow = async () => {
      for (let page = await auditor.read({ after, limit: 100 }); page.length > 0; page = await auditor.read({ after, limit: 100 })) {
        seen.push(...page.map((row) => row.path));
        after = page[page.length - 1]!.id;
      }
    };

    // Two processes flush at once: the first batch takes its id, the next id commits first.
    const slow = await writeInOpenTransaction('/a');
    writer.record(entry({ path: '/b' }));
    await writer.flush();
    await follow();
    await slow.commit();
    await follow();

    // A transaction that began writing before another takes the lower id and commits last.
    const early = await other.transaction(async (tx) => {
      await tx.query('SELECT pg_current_xact_id()');
      const late = await writeInOpenTransaction('/c');
      const log = logOn(tx);
      log.record(entry({ path: '/d' }));
      await log.close();
      return late;
    });
    await follow();
    await early.commit();
    // Other tests' transactions on the server may hold the horizon a moment longer.
    const deadline = Date.now() + 10_000;
    do await follow();
    while (seen.length < 4 && Date.now() < deadline);

    expect(seen.sort()).toEqual(['/a', '/b', '/c', '/d']);
    await Promise.all([auditor.close(), writer.close()]);
  });
});

