import { setTimeout as delay } from 'node:timers/promises';
import { Client, DatabaseError, Pool, types, type PoolClient, type QueryConfig } from 'pg';
import { INT8_OID, parseBigintText, XID8_OID, type Database, type Queryable, type QueryOptions, type QueryResult } from './database';
import { PgListener } from './pg-listener';
import { isTransactionConflict } from './unavailable';

/** How often a transaction runs when PostgreSQL keeps giving up on it (see Database.transaction). */
const TRANSACTION_ATTEMPTS = 5;

export interface PgDatabaseOptions {
  readonly url: string;
  /** Pool size; statements beyond it wait for a connection. */
  readonly poolSize?: number;
  readonly applicationName?: string;
  readonly connectTimeoutMs?: number;
}

const typeParsers = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID || oid === XID8_OID) return parseBigintText;
    return types.getTypeParser(oid, format as 'text');
  },
};

/** PostgreSQL server through a node-postgres pool. */
export class PgDatabase implements Database {
  readonly kind = 'postgres' as const;
  readonly concurrency: number;
  private readonly pool: Pool;
  private readonly listeners = new Set<PgListener>();
  private notifier: Promise<Client> | undefined;

  constructor(private readonly options: PgDatabaseOptions) {
    this.concurrency = options.poolSize ?? 10;
    this.pool = new Pool({
      connectionString: options.url,
      max: this.concurrency,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      idleTimeoutMillis: 30_000,
      application_name: options.applicationName ?? 'journey',
      // A session left idle inside a transaction would stall every reader's safe horizon.
      options: '-c idle_in_transaction_session_timeout=60000',
      types: typeParsers,
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
    // pg-pool listens for errors only while a client is idle: one checked out (a transaction)
    // would emit an unhandled 'error' and end the process. Its failed query rejects instead, and
    // the pool drops the client on release because it is no longer queryable.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  /**
   * One statement on a pooled session. A statement the server refuses (a constraint, a stale
   * stream head, a conflict) leaves the session as it was, so it goes back to the pool: the
   * pool's own query() would close it, and the next statement would pay a new connection and a
   * new session's first plans (tens of milliseconds, and PostgreSQL's CPU). A session that failed
   * (a broken connection, a fatal error) is dropped.
   */
  async query<R extends object>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>> {
    const client = await this.pool.connect();
    let lost: Error | undefined;
    try {
      const result = await client.query<R>(queryConfig(sql, params, options));
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    } catch (error) {
      if (!refusedStatement(error)) lost = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.release(lost);
    }
  }

  async exec(script: string): Promise<void> {
    await this.pool.query(script);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transactionOnce(work);
      } catch (error) {
        if (attempt >= TRANSACTION_ATTEMPTS || !isTransactionConflict(error)) throw error;
        await delay(Math.random() * 10 * attempt);
      }
    }
  }

  private async transactionOnce<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: unknown;
    try {
      await client.query('BEGIN');
      const result = await work(wrap(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken = await client.query('ROLLBACK').then(
        () => undefined,
        (rollbackError: unknown) => rollbackError,
      );
      throw error;
    } finally {
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  async notify(channel: string, payload: string): Promise<void> {
    this.notifier ??= this.connectNotifier();
    try {
      const client = await this.notifier;
      await client.query('SELECT pg_notify($1, $2)', [channel, payload]);
    } catch (error) {
      this.notifier = undefined;
      throw error;
    }
  }

  private async connectNotifier(): Promise<Client> {
    const client = new Client({
      connectionString: this.options.url,
      application_name: 'journey-notify',
      options: '-c synchronous_commit=off',
    });
    client.on('error', () => {
      this.notifier = undefined;
    });
    await client.connect();
    return client;
  }

  async listen(channel: string, onNotify: (payload: string) => void, onResume?: () => void): Promise<() => Promise<void>> {
    const listener = new PgListener({ url: this.options.url, channel, onNotify, onResume });
    await listener.open();
    this.listeners.add(listener);
    return async () => {
      this.listeners.delete(listener);
      await listener.close();
    };
  }

  async close(): Promise<void> {
    const notifier = this.notifier;
    this.notifier = undefined;
    await notifier?.then((client) => client.end()).catch(() => undefined);
    await Promise.all([...this.listeners].map((listener) => listener.close()));
    this.listeners.clear();
    await this.pool.end();
  }
}

function queryConfig(sql: string, params: readonly unknown[] | undefined, options: QueryOptions | undefined): QueryConfig {
  return { text: sql, values: params as unknown[] | undefined, name: options?.prepareAs };
}

/** An error the server reported for one statement, after which the session is still usable. */
function refusedStatement(error: unknown): boolean {
  return error instanceof DatabaseError && error.severity === 'ERROR';
}

function wrap(client: PoolClient): Queryable {
  return {
    async query<R extends object>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>> {
      const result = await client.query<R>(queryConfig(sql, params, options));
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
    async exec(script: string): Promise<void> {
      await client.query(script);
    },
  };
}
