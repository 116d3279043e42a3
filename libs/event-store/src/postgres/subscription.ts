import { isTransactionConflict, type Database, type Queryable } from '@journey/database';
import { Pause } from './pause';
import {
  isBefore,
  START_CURSOR,
  type GlobalCursor,
  type ReadAllResult,
  type Subscription,
  type SubscriptionHandler,
  type SubscriptionOptions,
  type UnitOfWork,
} from '../event-store.port';

/** Something that says "a transaction with events committed", carrying its id. */
export interface CommitSignal {
  onCommit(listener: (txId: number) => void): () => void;
}

export interface SubscriptionDeps {
  readonly db: Database;
  readAll(after: GlobalCursor, limit: number): Promise<ReadAllResult>;
  /** The last event committed now, or the start when there is none. */
  lastCommitted(): Promise<GlobalCursor>;
  readonly commits: CommitSignal;
  /** The unit of work a batch's transaction is handed to the handler as. */
  unitOf(tx: Queryable): UnitOfWork<Queryable>;
  /** Run after each batch's transaction commits, with the batch's unit (the events it recorded for then are appended). */
  afterCommit?(unit: UnitOfWork<Queryable> | undefined): Promise<void>;
  /** Appends every event recorded for after a commit so far, waiting for those being appended (caughtUp() ends with it). */
  settleRecorded?(): Promise<void>;
  readonly onStop?: () => void;
  /**
   * For a subscription whose units append nothing: marks the unit's open transaction (its xid8)
   * as one the reads of the global order need not wait for, until the returned function is called.
   */
  quiet?(txId: string): () => void;
}

class CheckpointMoved extends Error {}

const RETRY_SOON_MS = 5;
/** How many transaction conflicts in a row are retried at once, before the pause of other failures. */
const IMMEDIATE_RETRIES = 3;

/**
 * A named consumer of the global order. Each batch is handled inside a transaction that also
 * moves the checkpoint, after checking that nobody else moved it: a crash anywhere replays the
 * batch, and a second instance cannot apply it twice.
 */
export class PollingSubscription implements Subscription {
  private cursor: GlobalCursor = START_CURSOR;
  private stopped = false;
  private readonly pause = new Pause();
  private latestCommit = 0;
  private readonly waiters: Array<{ target: GlobalCursor; resolve: () => void; reject: (e: Error) => void }> = [];
  private readonly done: Promise<void>;
  private readonly unsubscribe: () => void;
  private failure: Error | undefined;
  private loaded = false;

  constructor(
    readonly name: string,
    private readonly handler: SubscriptionHandler<Queryable>,
    private readonly options: SubscriptionOptions<Queryable>,
    private readonly deps: SubscriptionDeps,
  ) {
    this.unsubscribe = deps.commits.onCommit((txId) => {
      if (txId > this.latestCommit) this.latestCommit = txId;
      this.pause.wake();
    });
    this.done = this.run();
  }

  get position(): GlobalCursor {
    return this.cursor;
  }

  async caughtUp(): Promise<void> {
    const target = await this.deps.lastCommitted();
    if (isBefore(this.cursor, target)) {
      await new Promise<void>((resolve, reject) => {
        this.waiters.push({ target, resolve, reject });
        this.pause.wake();
      });
    }
    await this.deps.settleRecorded?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    this.deps.onStop?.();
    this.pause.wake();
    await this.done;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error(`subscription ${this.name} stopped`));
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 1000;
    const pollMs = this.options.pollIntervalMs ?? 1000;
    const gatherMs = this.options.gatherMs ?? 0;
    const wanted = this.options.types ? new Set(this.options.types) : undefined;
    let backoff = 100;
    let conflicts = 0;
    while (!this.stopped) {
      try {
        if (this.failure || !this.loaded) await this.loadCheckpoint();
        this.failure = undefined;
        const batch = await this.deps.readAll(this.cursor, batchSize);
        const events = wanted ? batch.events.filter((event) => wanted.has(event.type)) : batch.events;
        // A batch of only other types still moves the checkpoint past them.
        if (isBefore(this.cursor, batch.next)) {
          let release: (() => void) | undefined;
          let unit: UnitOfWork<Queryable> | undefined;
          await this.deps.db.transaction(async (tx) => {
            const { rows } = await tx.query<{ tx_id: number; position: number; xid: string }>(
              'SELECT tx_id, position, pg_current_xact_id()::text AS xid FROM journey.checkpoints WHERE name = $1 FOR UPDATE',
              [this.name],
            );
            const stored = rows[0];
            // The database runs the work again after a conflict: an earlier attempt's transaction has ended.
            release?.();
            release = stored ? this.deps.quiet?.(stored.xid) : undefined;
            if (!stored || stored.tx_id !== this.cursor.commit || stored.position !== this.cursor.position) {
              throw new CheckpointMoved(`checkpoint of ${this.name} moved under this instance`);
            }
            unit = this.deps.unitOf(tx);
            if (events.length > 0) await this.handler(events, unit);
            await tx.query('UPDATE journey.checkpoints SET tx_id = $2, position = $3, updated_at = now() WHERE name = $1', [
              this.name,
              batch.next.commit,
              batch.next.position,
            ]);
          }).finally(() => release?.());
          this.cursor = batch.next;
          await this.deps.afterCommit?.(unit);
        }
        backoff = 100;
        conflicts = 0;
        this.settleWaiters();
        if ((batch.scanned ?? batch.events.length) < batchSize) {
          // Commits do not end the gathering; stop() and a caller of caughtUp() do.
          if (gatherMs > 0 && events.length > 0 && this.waiters.length === 0) await this.pause.hold(gatherMs, () => this.stopped || this.waiters.length > 0);
          // Something committed that the horizon does not yet cover: look again very soon.
          await this.sleep(this.latestCommit > this.cursor.commit ? RETRY_SOON_MS : pollMs);
        }
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
        // A batch that lost a race for a stream's order to a later transaction is run again at once.
        if (isTransactionConflict(error) && ++conflicts <= IMMEDIATE_RETRIES) continue;
        if (!(error instanceof CheckpointMoved)) this.options.onError?.(error);
        if (this.stopped) break;
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  private async loadCheckpoint(): Promise<void> {
    await this.deps.db.query('INSERT INTO journey.checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [this.name]);
    const { rows } = await this.deps.db.query<{ tx_id: number; position: number }>(
      'SELECT tx_id, position FROM journey.checkpoints WHERE name = $1',
      [this.name],
    );
    const row = rows[0]!;
    this.cursor = { commit: row.tx_id, position: row.position };
    this.loaded = true;
  }

  private settleWaiters(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i]!;
      if (!isBefore(this.cursor, waiter.target)) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return this.stopped ? Promise.resolve() : this.pause.wait(ms);
  }
}
