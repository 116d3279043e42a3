import { afterInCommitOrder, BELOW_HORIZON, belowHorizon, COMMIT_ORDER, isUnavailable, type Database } from '@journey/database';
import type { AccessEntry } from './access-entry';
import { sanitiseEntry, unrecordableEntry } from './access-entry.sanitiser';
import { withoutPersonalSegments, withoutPersonalValues } from './personal-filters';

export type { AccessEntry };

export interface AccessQuery {
  readonly keyId?: string;
  readonly from?: string;
  readonly to?: string;
  readonly after?: number;
  readonly limit: number;
}

/** Rows kept in memory while the database is away or slow; beyond it the oldest are dropped (and reported). */
const MAX_BUFFERED = 50_000;
/** Rows dropped at once past MAX_BUFFERED, so that a full buffer costs a request no copy of it. */
const DROP_CHUNK = 1_000;

const INSERT = `INSERT INTO journey.access_log (at, key_id, role, method, route, path, filters, status, duration_ms)
  SELECT x.at, x."keyId", x.role, x.method, x.route, x.path, x.filters, x.status, x."durationMs"
  FROM json_to_recordset($1::json) AS x(at timestamptz, "keyId" text, role text, method text, route text, path text, filters jsonb, status int, "durationMs" real)`;

interface StoredRow {
  readonly id: string | number;
  readonly at: Date | string;
  readonly key_id: string | null;
  readonly role: string | null;
  readonly method: string;
  readonly route: string;
  readonly path: string;
  readonly filters: Record<string, unknown>;
  readonly status: number;
  readonly duration_ms: number;
  readonly below_horizon: boolean;
}

/**
 * The API's access log: one row per request (key, route, filters, time, result), written in
 * batches every second (or every 500 requests) so that logging costs ingest no round trip.
 * The values of personal filters (an e-mail looked up) are redacted: the log is append-only and
 * would keep them past the customer's erasure. What a client sent is made storable before it is written, and a batch the database refuses
 * is written row by row, a row still refused in an escaped form: one request cannot make
 * another's row disappear, nor its own. While the database is away, rows wait for it. One
 * batch is written at a time, and the next takes everything recorded meanwhile: a slow database
 * (refused requests logged by the thousand a second) grows the buffer up to its bound, never a
 * queue of batches. Stopping flushes what is buffered.
 */
export class AccessLog {
  private buffer: AccessEntry[] = [];
  private flushing: Promise<void> = Promise.resolve();
  /** The next batch's write, queued behind the one in flight and not started yet. */
  private queued: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: Database,
    private readonly onError: (error: unknown) => void,
    intervalMs = 1000,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  record(entry: AccessEntry): void {
    this.buffer.push(sanitiseEntry({ ...entry, path: withoutPersonalSegments(entry.path), filters: withoutPersonalValues(entry.filters) }));
    if (this.buffer.length >= MAX_BUFFERED + DROP_CHUNK) this.dropOldest(new Error('access log: the database is too slow'));
    if (this.buffer.length >= 500) void this.flush();
  }

  /** Writes what is buffered; resolves once everything recorded before the call is stored (or back in the buffer, the database being away). */
  flush(): Promise<void> {
    this.queued ??= this.flushing = this.flushing.then(async () => {
      this.queued = undefined;
      const batch = this.buffer;
      this.buffer = [];
      if (batch.length === 0) return;
      try {
        await this.insert(batch);
      } catch (error) {
        if (isUnavailable(error)) this.putBack(batch, error);
        else await this.rowByRow(batch);
      }
    });
    return this.queued;
  }

  private insert(rows: readonly AccessEntry[]): Promise<unknown> {
    return this.db.query(INSERT, [JSON.stringify(rows)]);
  }

  /** The batch was refused for its content: each row on its own, a refused one in its escaped form. */
  private async rowByRow(batch: readonly AccessEntry[]): Promise<void> {
    for (const [index, entry] of batch.entries()) {
      try {
        await this.insert([entry]);
      } catch (error) {
        if (isUnavailable(error)) return this.putBack(batch.slice(index), error);
        this.onError(error);
        try {
          await this.insert([unrecordableEntry(entry, error)]);
        } catch (again) {
          if (isUnavailable(again)) return this.putBack(batch.slice(index), again);
          this.onError(again);
        }
      }
    }
  }

  private putBack(rows: readonly AccessEntry[], error: unknown): void {
    this.onError(error);
    this.buffer = [...rows, ...this.buffer];
    if (this.buffer.length > MAX_BUFFERED) this.dropOldest(new Error('access log: the database has been away too long'));
  }

  /** Keeps the newest MAX_BUFFERED rows, and says how many went. */
  private dropOldest(cause: Error): void {
    const over = this.buffer.length - MAX_BUFFERED;
    this.buffer.splice(0, over);
    this.onError(new Error(`${cause.message}; ${over} rows dropped`));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /**
   * The rows after the one of id `query.after`, in the order they committed: a row another
   * process committed after a reader passed its id is still given to it.
   */
  async read(query: AccessQuery): Promise<Array<AccessEntry & { id: number }>> {
    const rows = await belowHorizon(async () => {
      const { rows: page } = await this.db.query<StoredRow>(
        `SELECT id, at, key_id, role, method, route, path, filters, status, duration_ms, ${BELOW_HORIZON} FROM journey.access_log
         WHERE ($1::text IS NULL OR key_id = $1) AND ($2::timestamptz IS NULL OR at >= $2) AND ($3::timestamptz IS NULL OR at < $3)
           AND ${afterInCommitOrder('journey.access_log', '$4')}
         ORDER BY ${COMMIT_ORDER} LIMIT $5`,
        [query.keyId ?? null, query.from ?? null, query.to ?? null, query.after ?? 0, query.limit],
      );
      return page;
    });
    return rows.map((row) => ({
      id: Number(row.id),
      at: new Date(row.at).toISOString(),
      keyId: row.key_id,
      role: row.role,
      method: row.method,
      route: row.route,
      path: row.path,
      filters: row.filters,
      status: row.status,
      durationMs: row.duration_ms,
    }));
  }
}
