import {
  BACKWARDS,
  END,
  excludeSystemEvents,
  FORWARDS,
  KurrentDBClient,
  START,
  type AllStreamResolvedEvent,
  type Filter,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';
import { Upcasters } from '@journey/contracts';
import type { Database, Queryable } from '@journey/database';
import type { PiiVault } from '@journey/privacy';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  ExpectedVersion,
  GlobalCursor,
  NewEvent,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
  Subscription,
  SubscriptionHandler,
  SubscriptionOptions,
  PartitionLeaseOptions,
  PartitionLeases,
  UnitOfWork,
  VerifyAllReport,
  VerifyResult,
} from '../event-store.port';
import { cursorOf, isBefore, START_CURSOR } from '../event-store.port';
import { chainHash } from '../hash-chain';
import { prepareEvent, type AppendCall } from '../postgres/prepared-event';
import { PollingSubscription } from '../postgres/subscription';
import { PartitionedSubscription } from '../postgres/partitioned-subscription';
import { PostgresPartitionLeases } from '../postgres/partition-leases';
import { allPartitions } from '../partitions/partition-ownership';
import { StreamHeadCache } from '../stream-heads';
import { CommitWatcher } from './commit-watcher';
import { isClaimStream } from './id-claims';
import { KurrentAppender } from './kurrent-appender';
import { isStreamNotFound, storeErrorOf } from './kurrent-errors';
import { refuseUnsendableStreams } from './session-streams';
import { StreamLocks } from './stream-locks';
import { envelopeOf, fromRecord } from './stored-event';

const ALL_FILTER = excludeSystemEvents();
const PAGE = 1000;

export interface KurrentEventStoreOptions {
  readonly upcasters?: Upcasters;
  readonly clock?: () => Date;
  /** How many stream heads to remember (default 100,000). */
  readonly headCacheSize?: number;
  /** Seals PII on append and opens it on read, with its keys in the read models' database. */
  readonly vault?: PiiVault;
  /** Whether close() also disposes the client (when the store made it). */
  readonly disposeClient?: boolean;
}

/**
 * The event store on KurrentDB (25.1 or later: it appends through multi-stream appends). The log
 * is KurrentDB's; the read models, the subscriptions' checkpoints and the PII keys stay in the
 * PostgreSQL or PGlite `db`, so a batch's effects and its checkpoint still commit together.
 * Stream positions are 1-based here and KurrentDB revisions 0-based; the global order is `$all`,
 * a cursor being its (commit, prepare) position.
 */
export class KurrentEventStore implements EventStore<Queryable> {
  private readonly appender: KurrentAppender;
  private readonly upcasters: Upcasters;
  private readonly vault: PiiVault | undefined;
  private readonly locks = new StreamLocks();
  private readonly watcher: CommitWatcher;
  private readonly subscriptions = new Set<Subscription>();

  constructor(
    private readonly client: KurrentDBClient,
    private readonly db: Database,
    private readonly options: KurrentEventStoreOptions = {},
  ) {
    this.upcasters = options.upcasters ?? new Upcasters();
    this.vault = options.vault;
    this.appender = new KurrentAppender(client, new StreamHeadCache(options.headCacheSize), options.clock ?? (() => new Date()));
    this.watcher = new CommitWatcher(client);
  }

  /** A store on the server at `url` (kurrentdb://host:2113?tls=false), closing its client with it. */
  static connect(url: string, db: Database, options: Omit<KurrentEventStoreOptions, 'disposeClient'> = {}): KurrentEventStore {
    return new KurrentEventStore(KurrentDBClient.connectionString(url), db, { ...options, disposeClient: true });
  }

  append(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion = 'any'): Promise<AppendResult> {
    return this.appendMany([{ streamId, events, expected }]);
  }

  appendMany(requests: readonly AppendRequest[]): Promise<AppendResult> {
    return this.appendSealed(this.db, requests, false);
  }

  unitOfWork<T>(work: (unit: UnitOfWork<Queryable>) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(this.unitOf(tx)));
  }

  /**
   * KurrentDB cannot join the unit's transaction: its appends go to KurrentDB when made, before
   * the unit commits, and a unit run again after a rollback finds them stored (their ids derive
   * from their cause). New PII keys are committed first, on a server through another connection,
   * so that the rerun seals alike; PGlite has one connection, the unit's, so there they are made
   * in the unit (a rollback after the append would then leave those fields unreadable).
   */
  private unitOf(tx: Queryable): UnitOfWork<Queryable> {
    const append = (requests: readonly AppendRequest[]): Promise<AppendResult> =>
      this.db.concurrency > 1 ? this.appendSealed(this.db, requests, false) : this.appendSealed(tx, requests, true);
    // The log is not the unit's database: its appends already go beside the unit (on a server), and events for after the commit go the same way.
    const appendAfterCommit = async (requests: readonly AppendRequest[]): Promise<void> => void (await append(requests));
    return { state: tx, readAll: (after, limit) => this.readAllVia(tx, after, limit), append, appendAfterCommit };
  }

  /** Queues on the streams at once (per-stream order is call order), then seals and appends. */
  private appendSealed(keys: Queryable, requests: readonly AppendRequest[], inTransaction: boolean): Promise<AppendResult> {
    try {
      prepareCall(requests);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.locks.run(
      requests.map((request) => request.streamId),
      async () => {
        const sealed = this.vault ? await this.vault.seal(keys, requests, inTransaction) : requests;
        const result = await this.appender.append(prepareCall(sealed));
        if (result.outcomes.some((outcome) => outcome.status === 'appended')) this.watcher.committed();
        return result;
      },
    );
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<readonly RecordedEvent[]> {
    const from = Math.max(options.fromVersion ?? 1, 1);
    const to = options.toVersion ?? Number.MAX_SAFE_INTEGER;
    const until = options.until?.getTime();
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    if (to < from || limit <= 0) return [];
    const events: RecordedEvent[] = [];
    for (const event of await this.readRaw(streamId, options.backward ? (options.toVersion === undefined ? END : BigInt(to - 1)) : BigInt(from - 1), options.backward)) {
      if (event.streamPosition < from || event.streamPosition > to) continue;
      if (until !== undefined && Date.parse(event.recordedAt) > until) continue;
      events.push(event);
      if (events.length === limit) break;
    }
    return this.opened(events);
  }

  async readRecent(streamIds: readonly string[], limit: number): Promise<readonly RecordedEvent[]> {
    if (streamIds.length === 0 || limit <= 0) return [];
    const perStream = await Promise.all(streamIds.map((streamId) => this.readRaw(streamId, END, true, limit)));
    const latest = perStream
      .flat()
      .sort(newestFirst)
      .slice(0, limit);
    return this.opened(latest);
  }

  /** `$all` after `after`: journey's events only (no system events, no id claims). */
  readAll(after: GlobalCursor, limit: number): Promise<ReadAllResult> {
    return this.readAllVia(this.db, after, limit);
  }

  /** readAll, opening PII with keys read through `keys` (a unit's transaction on PGlite). */
  private async readAllVia(keys: Queryable, after: GlobalCursor, limit: number): Promise<ReadAllResult> {
    const events: RecordedEvent[] = [];
    let next = after;
    let from = after;
    while (events.length < limit) {
      let read = 0;
      let last: GlobalCursor | undefined;
      for await (const resolved of this.scanAll(readPosition(from), FORWARDS, limit + 1)) {
        read++;
        const at = positionOf(resolved);
        // The read starts at `from` itself.
        if (!at || !isBefore(from, at)) continue;
        last = at;
        const event = fromRecord(resolved);
        if (!event || isClaimStream(event.streamId)) continue;
        events.push(event);
        next = at;
        if (events.length === limit) break;
      }
      if (read <= limit || !last) break;
      from = last;
    }
    return { events: await this.opened(events, keys), next };
  }

  subscribe(name: string, handler: SubscriptionHandler<Queryable>, options: SubscriptionOptions<Queryable> = {}): Subscription {
    if (options.partitions) {
      const partitioned: Subscription = new PartitionedSubscription(name, handler, options, options.partitions, {
        db: this.db,
        // KurrentDB filters nothing by stream hash: the subscription keeps its partitions' events.
        readAll: (after, limit) => this.readAll(after, limit),
        lastCommitted: () => this.lastCommitted(),
        commits: { onCommit: (listener) => this.onCommit(() => listener(0)) },
        unitOf: (tx) => this.unitOf(tx),
        onStop: () => this.subscriptions.delete(partitioned),
      });
      this.subscriptions.add(partitioned);
      return partitioned;
    }
    const subscription: PollingSubscription = new PollingSubscription(name, handler, options, {
      db: this.db,
      readAll: (after, limit) => this.readAll(after, limit),
      lastCommitted: () => this.lastCommitted(),
      // No horizon to wait for on KurrentDB: a commit only wakes the subscription.
      commits: { onCommit: (listener) => this.onCommit(() => listener(0)) },
      unitOf: (tx) => this.unitOf(tx),
      onStop: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  /**
   * One partition only: the leases live beside the checkpoints, in the read models' database, so
   * one process at a time consumes and another takes over from it. More partitions are refused:
   * folding a linked visitor's events across partitions asks the log for identity links, which
   * only the PostgreSQL store's log can answer in a transaction.
   */
  partitionLeases(group: string, options: PartitionLeaseOptions): PartitionLeases<Queryable> {
    if (options.count > 1) {
      throw new Error(`the KurrentDB event store runs ${group} in one partition (JOURNEY_PARTITIONS=1), not ${options.count}`);
    }
    return this.db.kind === 'postgres' ? new PostgresPartitionLeases(this.db, group, options) : allPartitions<Queryable>(options.count);
  }

  onCommit(listener: () => void): () => void {
    return this.watcher.onCommit(listener);
  }

  async lastCommitted(): Promise<GlobalCursor> {
    let from: ReadPosition = END;
    for (;;) {
      let read = 0;
      let last: GlobalCursor | undefined;
      for await (const resolved of this.scanAll(from, BACKWARDS, PAGE)) {
        read++;
        last = positionOf(resolved) ?? last;
        const event = fromRecord(resolved);
        if (event && !isClaimStream(event.streamId)) return cursorOf(event);
      }
      if (read < PAGE || !last) return START_CURSOR;
      from = readPosition(last);
    }
  }

  async checkpointsReached(names: readonly string[], cursor: GlobalCursor): Promise<boolean> {
    const { rows } = await this.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM journey.checkpoints WHERE name = ANY($1::text[]) AND (tx_id, position) >= ($2::text::xid8, $3::bigint)',
      [names, String(cursor.commit), cursor.position],
    );
    return rows[0]!.n === new Set(names).size;
  }

  /** Recomputes the stream's chain from its stored events (KurrentDB keeps no separate head). */
  async verify(streamId: string): Promise<VerifyResult> {
    let previous: string | null = null;
    let position = 0;
    for (const event of await this.readRaw(streamId, START)) {
      position++;
      const broken = (reason: string): VerifyResult => ({ streamId, ok: false, events: position - 1, brokenAt: position, reason });
      if (event.streamPosition !== position) return broken(`position ${position} is missing`);
      const hash = chainHash(previous, envelopeOf(event));
      if (hash !== event.hash) return broken('the stored hash does not match the event');
      previous = hash;
    }
    return { streamId, ok: true, events: position };
  }

  /** Every journey stream, found by one pass over `$all`, verified in stream id order. */
  async verifyAll(options: { after?: string; onProgress?: (streams: number) => void } = {}): Promise<VerifyAllReport> {
    const streams = new Set<string>();
    for await (const resolved of this.scanAll(START, FORWARDS, Number.MAX_SAFE_INTEGER)) {
      const event = fromRecord(resolved);
      if (event && !isClaimStream(event.streamId) && event.streamId > (options.after ?? '')) streams.add(event.streamId);
    }
    const report = { streams: 0, events: 0, broken: [] as Array<Extract<VerifyResult, { ok: false }>> };
    for (const streamId of [...streams].sort()) {
      const result = await this.verify(streamId);
      report.streams++;
      report.events += result.events;
      if (!result.ok) report.broken.push(result);
      if (report.streams % PAGE === 0) options.onProgress?.(report.streams);
    }
    options.onProgress?.(report.streams);
    return report;
  }

  /** Stops the subscriptions, lets appends under way finish, and stops hearing of commits. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.locks.settled();
    await this.watcher.close();
    if (this.options.disposeClient) await this.client.dispose();
  }

  /** A stream's journey events as stored, from a revision, in one direction (at most `max`). */
  private async readRaw(streamId: string, fromRevision: bigint | typeof START | typeof END, backward = false, max?: number): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      const records = this.client.readStream(streamId, {
        direction: backward ? BACKWARDS : FORWARDS,
        fromRevision,
        ...(max === undefined ? {} : { maxCount: max }),
      });
      for await (const resolved of records) {
        const event = fromRecord(resolved);
        if (event) events.push(event);
      }
      return events;
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw storeErrorOf(error);
    }
  }

  /** `$all` from a position, system events left out by the server; client errors as the store's. */
  private async *scanAll(
    fromPosition: ReadPosition,
    direction: typeof FORWARDS | typeof BACKWARDS,
    maxCount: number,
    filter: Filter = ALL_FILTER,
  ): AsyncGenerator<AllStreamResolvedEvent> {
    try {
      yield* this.client.readAll({ fromPosition, direction, maxCount, filter });
    } catch (error) {
      throw storeErrorOf(error);
    }
  }

  /** Stored events as readers get them: PII opened (when there is a vault) as stored, then upcast. */
  private async opened(events: readonly RecordedEvent[], keys: Queryable = this.db): Promise<RecordedEvent[]> {
    if (!this.vault) return this.upcasters.isEmpty ? [...events] : events.map((event) => this.upcasters.upcast(event));
    const stored = await this.vault.reveal(keys, events);
    return this.upcasters.isEmpty ? stored : stored.map((event) => this.upcasters.upcast(event));
  }
}

function prepareCall(requests: readonly AppendRequest[]): AppendCall {
  let eventCount = 0;
  const prepared = requests.map((request) => {
    eventCount += request.events.length;
    return { streamId: request.streamId, events: request.events.map(prepareEvent), expected: request.expected ?? 'any' };
  });
  const call = { requests: prepared, eventCount };
  refuseUnsendableStreams(call);
  return call;
}

/** By occurredAt (ISO instants compare as text), then by place in the global order, newest first. */
function newestFirst(a: RecordedEvent, b: RecordedEvent): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt < b.occurredAt ? 1 : -1;
  return isBefore(cursorOf(a), cursorOf(b)) ? 1 : -1;
}

function positionOf(resolved: AllStreamResolvedEvent): GlobalCursor | undefined {
  const position = resolved.event?.position;
  return position ? { commit: Number(position.commit), position: Number(position.prepare) } : undefined;
}

function readPosition(cursor: GlobalCursor): ReadPosition {
  return cursor.commit === 0 && cursor.position === 0 ? START : { commit: BigInt(cursor.commit), prepare: BigInt(cursor.position) };
}
