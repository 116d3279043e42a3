import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Database } from './database';

export interface Migration {
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrationReport {
  readonly applied: readonly string[];
  readonly alreadyApplied: number;
}

/** `infra/sql` of this checkout, found from wherever the code runs (sources or dist). */
export function defaultMigrationsDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'infra', 'sql');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error('cannot find infra/sql above ' + __dirname);
  }
}

export function loadMigrations(dir = defaultMigrationsDir()): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{3}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}


/**
 * Applies the migrations not yet applied, in name order, in one transaction under an advisory
 * lock, so that processes starting together neither race nor half-migrate. A migration that
 * was edited after it was applied stops the run: history is not rewritten.
 */
export async function migrate(db: Database, migrations = loadMigrations()): Promise<MigrationReport> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('journey.migrate'))");
    await tx.query('CREATE SCHEMA IF NOT EXISTS journey');
    await tx.query(`CREATE TABLE IF NOT EXISTS journey.schema_migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await tx.query<{ name: string; checksum: string }>(
      'SELECT name, checksum FROM journey.schema_migrations',
    );
    const applied = new Map(rows.map((row) => [row.name, row.checksum]));
    const done: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new Error(`migration ${migration.name} was changed after it was applied`);
        }
        continue;
      }
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO journey.schema_migrations (name, checksum) VALUES ($1, $2)', [
        migration.name,
        migration.checksum,
      ]);
      done.push(migration.name);
    }
    return { applied: done, alreadyApplied: applied.size };
  });
}
