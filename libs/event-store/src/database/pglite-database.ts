import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { INT8_OID, parseBigintText, XID8_OID, type Database, type Queryable, type QueryResult } from './database';

/**
 * The embedded default: PostgreSQL compiled to WebAssembly, in this process, on a local data
 * folder (or in memory without one). One connection: statements run one at a time.
 */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  readonly concurrency = 1;

  private constructor(private readonly db: PGlite) {}

  static async open(dataDir?: string): Promise<PgliteDatabase> {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    const db = await PGlite.create(dataDir, {
      parsers: { [INT8_OID]: parseBigintText, [XID8_OID]: parseBigintText },
    });
    return new PgliteDatabase(db);
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
