import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Queryable } from './database';

/** One file of infra/sql/functions: the one statement of a function, `CREATE OR REPLACE`. */
export interface SqlFunction {
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export function loadSqlFunctions(dir: string): SqlFunction[] {
  return readdirSync(dir)
    .filter((file) => /^[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies the function files that are new or changed since they were last applied, as the
 * checksums recorded in journey.schema_functions tell, and returns their names. Runs inside the
 * migration transaction, before the migrations: PL/pgSQL bodies are parsed when created and bound
 * to tables only when called, so a function can be created before the tables it uses, and the
 * triggers of the migrations can name it.
 */
export async function applySqlFunctions(tx: Queryable, functions: readonly SqlFunction[]): Promise<string[]> {
  await tx.query(`CREATE TABLE IF NOT EXISTS journey.schema_functions (
    name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const { rows } = await tx.query<{ name: string; checksum: string }>('SELECT name, checksum FROM journey.schema_functions');
  const applied = new Map(rows.map((row) => [row.name, row.checksum]));
  const changed = functions.filter((fn) => applied.get(fn.name) !== fn.checksum);
  for (const fn of changed) {
    await tx.exec(fn.sql);
    await tx.query(
      `INSERT INTO journey.schema_functions (name, checksum) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET checksum = excluded.checksum, applied_at = now()`,
      [fn.name, fn.checksum],
    );
  }
  return changed.map((fn) => fn.name);
}
