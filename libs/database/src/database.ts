export interface QueryResult<R> {
  readonly rows: R[];
  readonly rowCount: number;
}

export interface QueryOptions {
  /**
   * Keeps the statement prepared under this name on each connection that runs it, so that the
   * server parses and plans it once per connection rather than on every call (PostgreSQL server
   * only; PGlite runs it as usual). For hot statements whose text never changes.
   */
  readonly prepareAs?: string;
}

/** Something SQL can be sent to: the database itself, or one open transaction. */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>>;
  /** Runs a script of several statements, without parameters. */
  exec(script: string): Promise<void>;
}

export type DatabaseKind = 'postgres' | 'pglite';

/**
 * The one door to PostgreSQL, whether a server (node-postgres pool) or the embedded PGlite.
 * The same SQL runs on both; values come back normalised: int8 and xid8 as numbers, bytea as
 * Buffer, timestamptz as Date, json as parsed values.
 */
export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** How many statements can usefully run at once (1 for PGlite). */
  readonly concurrency: number;
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws. When
   * PostgreSQL gives up on the transaction as a whole (serialization failure, deadlock), `work`
   * runs again in a new one, a few times: it must keep its effects inside the transaction.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Sends a NOTIFY outside any caller's transaction, without waiting for a disk flush: losing one
   * to a crash is harmless (listeners also poll), waiting for one would slow every commit.
   */
  notify(channel: string, payload: string): Promise<void>;
  /**
   * Calls `onNotify` for every NOTIFY on the channel until the returned function is called. A lost
   * connection is opened again by itself; what was notified meanwhile is lost, so `onResume` runs
   * once listening resumes, for the caller to drop what it caches.
   */
  listen(channel: string, onNotify: (payload: string) => void, onResume?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** int8 and xid8 as JavaScript numbers; exact up to 2^53, far beyond any position we reach. */
export function parseBigintText(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`integer ${text} is beyond 2^53`);
  return value;
}

export const INT8_OID = 20;
export const XID8_OID = 5069;

export function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError('expected bytea');
}
