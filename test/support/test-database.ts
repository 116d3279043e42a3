import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrate, PgDatabase, PgliteDatabase, type Database } from '@journey/database';

export type Backend = 'postgres' | 'pglite';

/** The PostgreSQL server the global set-up found, if any. */
export function serverUrl(): string | undefined {
  return process.env.JOURNEY_TEST_PG || undefined;
}

/** The backends a store suite runs on: the server when there is one, and always PGlite. */
export function backends(): Backend[] {
  return serverUrl() ? ['postgres', 'pglite'] : ['pglite'];
}

const skipped = new Set<string>();

/** One line saying what is skipped and why, once per suite. */
export function skipLine(what: string, why: string): void {
  const line = `skipped: ${what}: ${why}`;
  if (skipped.has(line)) return;
  skipped.add(line);
  process.stderr.write(`${line}\n`);
}

/** `describe` for suites that need a PostgreSQL server (several connections, processes). */
export function describeWithServer(name: string, body: () => void): void {
  if (serverUrl()) {
    describe(name, body);
  } else {
    skipLine(name, 'needs a PostgreSQL server (set DATABASE_URL or run one on 127.0.0.1:5432)');
    describe.skip(name, body);
  }
}

export interface TestDatabase {
  readonly db: Database;
  /** The URL of this test's own database (PostgreSQL only). */
  readonly url?: string;
  /** Another connection pool on the same database, as a second process would have. */
  open(poolSize?: number): Promise<Database>;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file: its own PostgreSQL database, or an in-memory PGlite. */
export async function createTestDatabase(backend: Backend, poolSize = 10): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const db = await PgliteDatabase.open();
    await migrate(db);
    return {
      db,
      open: () => Promise.reject(new Error('PGlite is one connection in one process')),
      drop: () => db.close(),
    };
  }
  const admin = serverUrl();
  if (!admin) throw new Error('no PostgreSQL server for this test');
  const name = `journey_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withClient(admin, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const opened: Database[] = [];
  const open = async (size = poolSize): Promise<Database> => {
    const db = new PgDatabase({ url: url.toString(), poolSize: size, applicationName: 'journey-test' });
    opened.push(db);
    return db;
  };
  const db = await open();
  await migrate(db);
  return {
    db,
    url: url.toString(),
    open,
    async drop() {
      await Promise.all(opened.map((d) => d.close().catch(() => undefined)));
      await withClient(admin, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
