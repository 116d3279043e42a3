import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { INT8_OID, parseBigintText, XID8_OID, type Database, type Queryable, type QueryResult } from './database';
import { DataDirInUseError } from './errors';

/**
 * The embedded default: PostgreSQL compiled to WebAssembly, in this process, on a local data
 * folder (or in memory without one). One connection: statements run one at a time.
 */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  readonly concurrency = 1;

  private constructor(
    private readonly db: PGlite,
    private readonly lockFile?: string,
  ) {}

  static async open(dataDir?: string): Promise<PgliteDatabase> {
    let lockFile: string | undefined;
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true });
      lockFile = lockDataDir(dataDir);
    }
    try {
      const db = await PGlite.create(dataDir, {
        parsers: { [INT8_OID]: parseBigintText, [XID8_OID]: parseBigintText },
      });
      return new PgliteDatabase(db, lockFile);
    } catch (error) {
      if (lockFile) unlinkSync(lockFile);
      throw error;
    }
  }

  async query<R extends object>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return normalise(await this.db.query<R>(sql, params as unknown[] | undefined));
  }

  async exec(script: string): Promise<void> {
    await this.db.exec(script);
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(wrap(tx)));
  }

  async notify(channel: string, payload: string): Promise<void> {
    await this.db.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    const unlisten = await this.db.listen(channel, onNotify);
    return async () => {
      if (!this.db.closed) await unlisten();
    };
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
    if (this.lockFile) {
      try {
        unlinkSync(this.lockFile);
      } catch {
        // already gone
      }
    }
  }
}

function wrap(tx: Transaction): Queryable {
  return {
    async query<R extends object>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      return normalise(await tx.query<R>(sql, params as unknown[] | undefined));
    },
    async exec(script: string): Promise<void> {
      await tx.exec(script);
    },
  };
}

function normalise<R>(result: { rows: R[]; rowCount?: number; affectedRows?: number }): QueryResult<R> {
  return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length };
}

/**
 * One process at a time on a data folder: two would corrupt it. The lock is a file holding the
 * owner's pid; a lock left by a process that no longer runs (a crash) is taken over.
 */
function lockDataDir(dataDir: string): string {
  const file = join(dataDir, 'journey.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return file;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
    const owner = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
      throw new DataDirInUseError(dataDir, owner);
    }
    unlinkSync(file);
  }
  throw new DataDirInUseError(dataDir);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}
