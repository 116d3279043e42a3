import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Database } from './database';
import { MigrationChangedError } from './errors';
import { applySqlFunctions, loadSqlFunctions, type SqlFunction } from './sql-functions';

export interface Migration {
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrationReport {
  readonly applied: readonly string[];
  readonly alreadyApplied: number;
  /** The files of infra/sql/functions applied because they were new or changed. */
  readonly functions: readonly string[];
}

/**
 * The checksums of migrations in the form that also created the functions infra/sql/functions
 * holds. A database that applied that form has the same schema: its ledger row takes the file's
 * checksum and the run goes on.
 */
const FORMS_WITH_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ['001_event_store.sql', 'cac8f896c25e68a704ad894a40a97499bc56390229fa5ae875c625d4a23b8db2'],
  ['005_stream_writer_order.sql', 'a170f1c4a6aa5c16d8e95550d1acbbee3c72bcaf7f111f9b7241262308061f53'],
]);

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
 * Applies the changed functions of infra/sql/functions, then the migrations not yet applied, in
 * name order, in one transaction under an advisory lock, so that processes starting together
 * neither race nor half-migrate. A migration that was edited after it was applied stops the run:
 * history is not rewritten.
 */
export async function migrate(
  db: Database,
  migrations = loadMigrations(),
  functions: readonly SqlFunction[] = loadSqlFunctions(join(defaultMigrationsDir(), 'functions')),
): Promise<MigrationReport> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('journey.migrate'))");
    await tx.query('CREATE SCHEMA IF NOT EXISTS journey');
    await tx.query(`CREATE TABLE IF NOT EXISTS journey.schema_migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await tx.query<{ name: string; checksum: string }>(
      'SELECT name, checksum FROM journey.schema_migrations',
    );
    const applied = new Map(rows.map((row) => [row.name, row.checksum]));
    const replaced = await applySqlFunctions(tx, functions);
    const done: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum === migration.checksum) continue;
        if (checksum !== FORMS_WITH_FUNCTIONS.get(migration.name)) {
          throw new MigrationChangedError(migration.name);
        }
        await tx.query('UPDATE journey.schema_migrations SET checksum = $2 WHERE name = $1', [migration.name, migration.checksum]);
        continue;
      }
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO journey.schema_migrations (name, checksum) VALUES ($1, $2)', [
        migration.name,
        migration.checksum,
      ]);
      done.push(migration.name);
    }
    return { applied: done, alreadyApplied: applied.size, functions: replaced };
  });
}
