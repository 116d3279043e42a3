import { isTransactionConflict, type Queryable } from '@journey/database';
import {
  cursorOf,
  isBefore,
  START_CURSOR,
  type GlobalCursor,
  type ReadAllResult,
  type RecordedEvent,
  type Subscription,
  type SubscriptionHandler,
  type SubscriptionOptions,
  type PartitionedSubscriptionOptions,
  type UnitOfWork,
} from '../event-store.port';
import { partitionOf, partitionOfStream } from '../partitions/partition-key';
import { partitionCheckpointName } from '../partitions/partition-ownership';
import { Pause } from './pause';
import type { SubscriptionDeps } from './subscription';

/** What a subscription needs, with a read of the global order that may leave out the partitions not held. */
export interface PartitionedSubscriptionDeps extends Omit<SubscriptionDeps, 'readAll'> {
  /** The global order after `after`; events of streams `keep` refuses may be left out (`next` still covers them). */
  readAll(after: GlobalCursor, limit: number, keep: (streamId: string) => boolean): Promise<ReadAllResult>;
}

class Fenced extends Error {}

const RETRY_SOON_MS = 5;
/** How many transaction conflicts in a row are retried at once, before the pause of other failures. */
const IMMEDIATE_RETRIES = 3;
/** How soon an event waiting for another partition looks again. */
const WAIT_FOR_PARTITION_MS = 25;

/**
 * A named consumer of the global order that handles only the partitions this process holds.
 * One reader per process reads the log once for all the partitions it holds (from the lowest of
 * their checkpoints) and keeps their events; each partition has its own checkpoint, so a
 * partition moves between processes exactly where its last owner stopped. Each batch's
 * transaction locks the checkpoints of the partitions it handles, checks nobody moved them and
 * that the leases are still held (the fence), then moves them with the handler's writes.
 * An event whose handling touches rows of other partitions (crossPartition) waits until those
 * partitions have handled everything before it.
 */
export class PartitionedSubscription implements Subscription {
  private cursors = new Map<number, GlobalCursor>();
  private stopped = false;
  private stale = true;
  private readonly pause = new Pause();
  private latestCommit = 0;
  private readonly done: Promise<void>;
  private readonly unsubscribe: Array<() => void> = [];
  private readonly names: string[];

  constructor(
    readonly name: string,
    private readonly handler: SubscriptionHandler<Queryable>,
    private readonly options: SubscriptionOptions<Queryable>,
    private readonly partitioned: PartitionedSubscriptionOptions<Queryable>,
    private readonly deps: PartitionedSubscriptionDeps,
  ) {
    const count = partitioned.ownership.count;
    this.names = Array.from({ length: count }, (_, p) => partitionCheckpointName(name, p, count));
    this.unsubscribe.push(
      deps.commits.onCommit((txId) => {
        if (txId > this.latestCommit) this.latestCommit = txId;
        this.pause.wake();
      }),
      partitioned.ownership.onChange(() => {
        this.stale = true;
        this.pause.wake();
      }),
    );
    this.done = this.run();
  }

  /** The lowest checkpoint of the partitions held here (the start when none is held). */
  get position(): GlobalCursor {
    return this.from() ?? START_CURSOR;
  }

  /** The partitions held here and their checkpoints. */
  get partitions(): ReadonlyMap<number, GlobalCursor> {
    return this.cursors;
  }

  /** Resolves once every partition (whichever process holds it) has handled what was committed before the call. */
  async caughtUp(): Promise<void> {
    const target = await this.deps.lastCommitted();
    while (!this.stopped) {
      const { rows } = await this.deps.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM journey.checkpoints WHERE name = ANY($1::text[]) AND (tx_id, position) >= ($2::text::xid8, $3::bigint)',
        [this.names, String(target.commit), target.position],
      );
      if (Number(rows[0]!.n) === this.names.length) {
        await this.deps.settleRecorded?.();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, WAIT_FOR_PARTITION_MS));
    }
    throw new Error(`subscription ${this.name} stopped`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const stop of this.unsubscribe) stop();
    this.deps.onStop?.();
    this.pause.wake();
    await this.done;
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
        if (this.stale) await this.load();
        const from = this.from();
        if (!from) {
          await this.sleep(pollMs);
          continue;
        }
        const owned = new Set(this.cursors.keys());
        const count = this.partitioned.ownership.count;
        const batch = await this.deps.readAll(from, batchSize, (streamId) => owned.has(partitionOfStream(streamId, count)));
        const mine = batch.events.filter((event) => {
          if (wanted && !wanted.has(event.type)) return false;
          const cursor = this.cursors.get(partitionOfStream(event.streamId, count));
          return cursor !== undefined && isBefore(cursor, cursorOf(event));
        });
        let waiting = false;
        if (isBefore(from, batch.next)) {
          waiting = await this.handle(owned, mine, batch.next);
        }
        backoff = 100;
        conflicts = 0;
        if (waiting) await this.sleep(WAIT_FOR_PARTITION_MS);
        else if ((batch.scanned ?? batch.events.length) < batchSize) {
          if (gatherMs > 0 && mine.length > 0) await this.pause.hold(gatherMs, () => this.stopped);
          if (!isBefore(from, batch.next)) await this.sleep(this.latestCommit > from.commit ? RETRY_SOON_MS : pollMs);
        }
      } catch (error) {
        this.stale = true;
        // A batch that lost a race for a stream's order to a later transaction is run again at once.
        if (isTransactionConflict(error) && ++conflicts <= IMMEDIATE_RETRIES) continue;
        if (!(error instanceof Fenced)) this.options.onError?.(error);
        if (this.stopped) break;
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  /** One batch in one transaction; says whether it stopped at an event waiting for another partition. */
  private async handle(owned: ReadonlySet<number>, mine: readonly RecordedEvent[], next: GlobalCursor): Promise<boolean> {
    const partitions = [...owned];
    let release: (() => void) | undefined;
    let unit: UnitOfWork<Queryable> | undefined;
    const result = await this.deps.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ name: string; tx_id: number; position: number; xid: string }>(
        'SELECT name, tx_id, position, pg_current_xact_id()::text AS xid FROM journey.checkpoints WHERE name = ANY($1::text[]) ORDER BY name FOR UPDATE',
        [partitions.map((p) => this.names[p]!)],
      );
      // The database runs the work again after a conflict: an earlier attempt's transaction has ended.
      release?.();
      release = rows[0] ? this.deps.quiet?.(rows[0].xid) : undefined;
      const stored = new Map(rows.map((row) => [row.name, { commit: Number(row.tx_id), position: Number(row.position) }]));
      for (const p of partitions) {
        const mineNow = this.cursors.get(p)!;
        const there = stored.get(this.names[p]!);
        if (!there || there.commit !== mineNow.commit || there.position !== mineNow.position) throw new Fenced(`checkpoint of ${this.names[p]} moved`);
      }
      if (!(await this.partitioned.ownership.holds(tx, partitions))) throw new Fenced(`${this.name} lost a lease`);
      const cut = await this.firstWaiting(tx, owned, mine);
      const handled = mine.slice(0, cut);
      // Stopped at a waiting event, the checkpoints move to just before it: everything before it
      // in the global order, of every partition held, is handled (so other partitions waiting on
      // these see them past what they wait for).
      const blocked = mine[cut];
      const upTo = blocked ? { commit: blocked.commit, position: blocked.globalPosition - 1 } : next;
      unit = this.deps.unitOf(tx);
      if (handled.length > 0) await this.handler(handled, unit);
      const moved = new Map<number, GlobalCursor>();
      for (const p of partitions) if (isBefore(this.cursors.get(p)!, upTo)) moved.set(p, upTo);
      if (moved.size > 0) {
        await tx.query('UPDATE journey.checkpoints SET tx_id = $2::text::xid8, position = $3, updated_at = now() WHERE name = ANY($1::text[])', [
          [...moved.keys()].map((p) => this.names[p]!),
          String(upTo.commit),
          upTo.position,
        ]);
      }
      return { moved, waiting: cut < mine.length };
    }).finally(() => release?.());
    for (const [p, cursor] of result.moved) this.cursors.set(p, cursor);
    await this.deps.afterCommit?.(unit);
    return result.waiting;
  }

  /** The index of the first event that must wait for a partition held elsewhere (mine.length when none). */
  private async firstWaiting(tx: Queryable, owned: ReadonlySet<number>, mine: readonly RecordedEvent[]): Promise<number> {
    const crossPartition = this.partitioned.crossPartition;
    const count = this.partitioned.ownership.count;
    // Holding every partition, no event can wait for another process.
    if (!crossPartition || owned.size === count) return mine.length;
    if (mine.length === 0) return 0;
    const touched = await crossPartition(mine, tx);
    let others: Map<number, GlobalCursor> | undefined;
    for (let i = 0; i < mine.length; i++) {
      const keys = touched[i] ?? [];
      if (keys !== 'all' && keys.length === 0) continue;
      const needed = keys === 'all' ? Array.from({ length: count }, (_, p) => p) : keys.map((key) => partitionOf(key, count));
      const elsewhere = needed.filter((p) => !owned.has(p));
      if (elsewhere.length === 0) continue;
      others ??= await this.checkpointsOf(tx, owned);
      const at = cursorOf(mine[i]!);
      if (elsewhere.some((p) => isBefore(others!.get(p) ?? START_CURSOR, at))) return i;
    }
    return mine.length;
  }

  /** The committed checkpoints of the partitions not held here. */
  private async checkpointsOf(tx: Queryable, owned: ReadonlySet<number>): Promise<Map<number, GlobalCursor>> {
    const names = this.names.filter((_, p) => !owned.has(p));
    const { rows } = await tx.query<{ name: string; tx_id: number; position: number }>(
      'SELECT name, tx_id, position FROM journey.checkpoints WHERE name = ANY($1::text[])',
      [names],
    );
    const byName = new Map(rows.map((row) => [row.name, { commit: Number(row.tx_id), position: Number(row.position) }]));
    const result = new Map<number, GlobalCursor>();
    this.names.forEach((name, p) => {
      const cursor = byName.get(name);
      if (cursor) result.set(p, cursor);
    });
    return result;
  }

  /**
   * The checkpoints of the partitions held now. The first process to load creates every
   * partition's checkpoint where the subscription stood before: its single checkpoint (a
   * deployment before partitions) or the checkpoints of another partition count, which must all
   * be at one position (caught up) for a new split to be exact. It removes those, in one
   * transaction.
   */
  private async load(): Promise<void> {
    this.stale = false;
    const owned = [...this.partitioned.ownership.owned()];
    await this.deps.db.transaction(async (tx) => {
      const { rows: former } = await tx.query<{ name: string; tx_id: number; position: number }>(
        `SELECT name, tx_id, position FROM journey.checkpoints
         WHERE (name = $1 OR starts_with(name, $1 || '#')) AND NOT (name = ANY($2::text[])) FOR UPDATE`,
        [this.name, this.names],
      );
      const positions = new Set(former.map((row) => `${row.tx_id}/${row.position}`));
      if (positions.size > 1) {
        throw new Error(
          `${this.name} was split into another number of partitions, which stopped at different positions: ` +
            'run the former JOURNEY_PARTITIONS until the consumers catch up with ingest stopped, then change it',
        );
      }
      const start = former[0] ? { commit: Number(former[0].tx_id), position: Number(former[0].position) } : START_CURSOR;
      await tx.query(
        `INSERT INTO journey.checkpoints (name, tx_id, position)
         SELECT n.name, $2::text::xid8, $3 FROM unnest($1::text[]) AS n(name)
         ON CONFLICT (name) DO NOTHING`,
        [this.names, String(start.commit), start.position],
      );
      if (former.length > 0) await tx.query('DELETE FROM journey.checkpoints WHERE name = ANY($1::text[])', [former.map((row) => row.name)]);
    });
    const { rows } = await this.deps.db.query<{ name: string; tx_id: number; position: number }>(
      'SELECT name, tx_id, position FROM journey.checkpoints WHERE name = ANY($1::text[])',
      [owned.map((p) => this.names[p]!)],
    );
    const byName = new Map(rows.map((row) => [row.name, { commit: Number(row.tx_id), position: Number(row.position) }]));
    this.cursors = new Map(owned.map((p) => [p, byName.get(this.names[p]!) ?? START_CURSOR]));
  }

  private from(): GlobalCursor | undefined {
    let lowest: GlobalCursor | undefined;
    for (const cursor of this.cursors.values()) if (!lowest || isBefore(cursor, lowest)) lowest = cursor;
    return lowest;
  }

  private sleep(ms: number): Promise<void> {
    return this.stopped ? Promise.resolve() : this.pause.wait(ms);
  }
}
