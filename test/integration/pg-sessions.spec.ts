import { createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';

const backendOf = async (db: TestDatabase['db']): Promise<number> => (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

describeWithServer('pooled PostgreSQL sessions', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await t.drop();
  });

  it('keeps a session after the server refuses a statement on it', async () => {
    const db = await t.open(1);
    const pid = await backendOf(db);
    await db.query('CREATE TEMP TABLE IF NOT EXISTS once (id int PRIMARY KEY)');
    await db.query('INSERT INTO once VALUES (1)');
    await expect(db.query('INSERT INTO once VALUES (1)')).rejects.toMatchObject({ code: '23505' });
    await expect(db.query('SELECT 1 / 0')).rejects.toMatchObject({ code: '22012' });
    // The same backend, with its session state (the temporary table) intact.
    expect(await backendOf(db)).toBe(pid);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM once')).rows[0]!.n).toBe(1);
  });

  it('drops a session the server ended, and the next statement runs on a new one', async () => {
    const db = await t.open(1);
    const pid = await backendOf(db);
    await expect(db.query('SELECT pg_terminate_backend(pg_backend_pid())')).rejects.toMatchObject({ code: '57P01' });
    const next = await backendOf(db);
    expect(next).not.toBe(pid);
  });
});
