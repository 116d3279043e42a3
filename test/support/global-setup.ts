import { Client } from 'pg';

/**
 * Picks the PostgreSQL the tests run against, once: DATABASE_URL; else a server answering on
 * 127.0.0.1:5432; else a testcontainers PostgreSQL when a Docker engine is there; else none, and
 * the suites that need a server skip while the rest run on the embedded PGlite.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.JOURNEY_TEST_PG !== undefined) return;
  const candidates = [process.env.DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/postgres'].filter(Boolean) as string[];
  for (const url of candidates) {
    if (await answers(url)) {
      process.env.JOURNEY_TEST_PG = url;
      process.stderr.write(`\ntest database: PostgreSQL at ${redact(url)}\n`);
      return;
    }
  }
  const container = await startContainer();
  if (container) {
    process.env.JOURNEY_TEST_PG = container;
    process.stderr.write(`\ntest database: PostgreSQL in a testcontainers container\n`);
    return;
  }
  process.env.JOURNEY_TEST_PG = '';
  process.stderr.write('\ntest database: embedded PGlite only (no DATABASE_URL, nothing on 127.0.0.1:5432, no Docker)\n');
}

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function startContainer(): Promise<string | undefined> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
  } catch {
    return undefined;
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer('postgres:15-alpine').start();
  (globalThis as { __journeyContainer?: { stop(): Promise<unknown> } }).__journeyContainer = container;
  return container.getConnectionUri();
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
