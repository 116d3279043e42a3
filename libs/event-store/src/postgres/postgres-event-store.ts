import { EventEmitter } from 'node:events';
import { Upcasters } from '@journey/contracts';
import type { Database, Queryable, QueryOptions } from '@journey/database';
import { toBuffer } from '@journey/database';
import { isUnavailable } from '@journey/database';
import { AppendRejectedError, StoreUnavailableError } from '../errors';
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
import { START_CURSOR } from '../event-store.port';
import { chainHash } from '../hash-chain';
import { StreamHeadCache } from '../stream-heads';
import { AppendBatchRunner } from './append-batch';
import { COMMIT_CHANNEL } from './commit-channel';
import { GroupCommitWriter, type AppendObserver } from './group-commit';
import { prepareEvent, type AppendCall } from './prepared-event';
import { EVENT_COLUMNS, eventColumnsOfTypes, storedEnvelope, toRecordedEvent, type EventRow } from './recorded-event';
import { PollingSubscription, type CommitSignal } from './subscription';
import { PartitionedSubscription } from './partitioned-subscription';
import { PostgresPartitionLeases } from './partition-leases';
import { allPartitions } from '../partitions/partition-ownership';
import type { PiiVault } from '@journey/privacy';

/** Rows of journey.derived_outbox appended per transaction of flushDerived. */
const DERIVED_PAGE = 500;
/** How often, and how long apart, a flush tries again rows held back behind another flush's. */
const HELD_BACK_ROUNDS = 50;
const HELD_BACK_PAUSE_MS = 20;

const NO_UPCASTERS = new Upcasters();
/**
 * The safe horizon past this process's open units that append nothing ($4, their xid8s): the
 * oldest transaction still open at the statement's snapshot that may append, or the snapshot's
 * xmax when there is none. Every other transaction below it has ended, so what it appended is
 * visible to the statement. A snapshot's open transactions leave out the reader's own, which
 * bounds the horizon too (a unit's own uncommitted events stay above it, as below xmin).
 */
const PAST_QUIET_UNITS = `(SELECT least(coalesce((SELECT min(x) FROM pg_snapshot_xip(s) AS x WHERE x <> ALL($4::text[]::xid8[])), pg_snapshot_xmax(s)), pg_current_xact_id_if_assigned())
       FROM pg_current_snapshot() AS s)`;
/** Other processes hear of commits at most this often (this process's subscribers at once). */
const NOTIFY_INTERVAL_MS = 10;
/**
 * Two batches in flight: one commits while the next is planned and sent. A third would only add
 * backends competing for the same cores of a small database server.
 */
const DEFAULT_WRITER_SLOTS = 2;
/** Few enough that a handful of waiting callers need not wait for a commit; enough that single callers share one. */
const DEFAULT_MIN_EVENTS_FOR_ANOTHER_SLOT = 4;

export interface PostgresEventStoreOptions {
  /** Group-commit batches in flight at once (default: 2 on PostgreSQL, 1 on PGlite). */
  readonly writerSlots?: number;
  readonly maxBatchEvents?: number;
  /**
   * Events that must wait before a second batch goes in flight beside the first (default 4). A few
   * callers of one event each then still share a commit, while several waiting callers do not
   * wait for the one in flight to commit: below the point where PostgreSQL's cores are busy, an
   * append's time is mostly the other batch's commit.
   */
  readonly minEventsForAnotherSlot?: number;
  readonly upcasters?: Upcasters;
  readonly clock?: () => Date;
  readonly observer?: AppendObserver;
  /** How many stream heads to remember (default 100,000). */
  readonly headCacheSize?: number;
  /** Seals PII on append and opens it on read; without one, events are stored as given. */
  readonly vault?: PiiVault;
}

/**
 * The event store on PostgreSQL (a server through `pg`, or the embedded PGlite): appends go
 * through group commit, reads of the global order stop at the safe horizon, and every stream
 * carries a sha256 hash chain.
 */
export class PostgresEventStore implements EventStore<Queryable> {
  private readonly writer: GroupCommitWriter;
  private readonly runner: AppendBatchRunner;
  private readonly upcasters: Upcasters;
  private readonly commits = new EventEmitter();
  private readonly subscriptions = new Set<Subscription>();
  private readonly notifier: CommitNotifier;
  private readonly vault: PiiVault | undefined;
  private stopListening: (() => Promise<void>) | undefined;
  /** The stream heads the appends plan from: what this process wrote, and what its readers saw committed. */
  private readonly heads: StreamHeadCache;
  /** The units that recorded events for after their commit (journey.derived_outbox), until their afterCommit appends them. */
  private readonly recordedIn = new WeakSet<UnitOfWork<Queryable>>();
  /** Rows another process (a crashed one) may have left in journey.derived_outbox, or a failed append left: the next afterCommit appends them. */
  private leftovers = false;
  /**
   * The transaction ids (xid8, as text) of this process's open units that append nothing (see
   * SubscriptionOptions.appendsNothing): the safe horizon of this process's reads passes them.
   */
  private readonly quietUnits = new Set<string>();

  constructor(
    private readonly db: Database,
    options: PostgresEventStoreOptions = {},
  ) {
    this.upcasters = options.upcasters ?? new Upcasters();
    this.vault = options.vault;
    this.heads = new StreamHeadCache(options.headCacheSize);
    this.runner = new AppendBatchRunner(this.heads, options.clock ?? (() => new Date()));
    this.notifier = new CommitNotifier(db);
    this.commits.setMaxListeners(0);
    this.writer = new GroupCommitWriter(
      db,
      this.runner,
      {
        slots: options.writerSlots ?? (db.kind === 'pglite' ? 1 : DEFAULT_WRITER_SLOTS),
        maxBatchEvents: options.maxBatchEvents ?? 5000,
        minEventsForAnotherSlot: options.minEventsForAnotherSlot ?? DEFAULT_MIN_EVENTS_FOR_ANOTHER_SLOT,
      },
      (txId) => this.committed(txId),
      options.observer,
    );
  }

  /** Starts hearing about commits made by other processes (PostgreSQL only). */
  async listenForCommits(): Promise<void> {
    if (this.db.kind !== 'postgres' || this.stopListening) return;
    this.stopListening = await this.db.listen(COMMIT_CHANNEL, (payload) => {
      const txId = Number(payload);
      if (Number.isSafeInteger(txId)) this.commits.emit('commit', txId);
    });
  }

  append(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion = 'any'): Promise<AppendResult> {
    return this.appendMany([{ streamId, events, expected }]);
  }

  appendMany(requests: readonly AppendRequest[]): Promise<AppendResult> {
    return this.submit(requests, false);
  }

  /** Through group commit; `streamsExist` for derived events, whose streams (the customers') exist: see AppendCall.streamsExist. */
  private async submit(requests: readonly AppendRequest[], streamsExist: boolean): Promise<AppendResult> {
    const sealed = this.vault ? await this.vault.seal(this.db, requests, false) : requests;
    return this.writer.submit(prepareCall(sealed, streamsExist));
  }

  async unitOfWork<T>(work: (unit: UnitOfWork<Queryable>) => Promise<T>): Promise<T> {
    // The database may run the work again after a conflict: the last unit is the one that committed.
    let committed: UnitOfWork<Queryable> | undefined;
    const result = await this.db.transaction((tx) => work((committed = this.unitOf(tx))));
    await this.afterCommit(committed);
    return result;
  }

  private unitOf(tx: Queryable, appendsNothing = false): UnitOfWork<Queryable> {
    const unit: UnitOfWork<Queryable> = {
      state: tx,
      readAll: (after, limit) => this.readAllWithin(tx, after, limit),
      append: appendsNothing
        ? () => Promise.reject(new Error('this unit appends nothing (its subscription says so): its open transaction is not waited for by readers'))
        : (requests) => this.appendWithin(tx, requests),
      appendAfterCommit: (requests) => this.recordAfterCommit(unit, requests),
    };
    return unit;
  }

  /**
   * Records events in `tx` for appending once it commits (journey.derived_outbox; see
   * UnitOfWork.appendAfterCommit). PGlite has one connection, so no later transaction can write
   * a stream while `tx` runs: there they are appended within `tx`.
   */
  private async recordAfterCommit(unit: UnitOfWork<Queryable>, requests: readonly AppendRequest[]): Promise<void> {
    const tx = unit.state;
    const requested = requests.filter((request) => request.events.length > 0);
    if (requested.length === 0) return;
    if (this.db.concurrency === 1) {
      await this.appendWithin(tx, requested);
      return;
    }
    await tx.query(
      'INSERT INTO journey.derived_outbox (stream_id, events) SELECT x.stream_id, x.events FROM json_to_recordset($1::json) AS x(stream_id text, events jsonb)',
      [JSON.stringify(requested.map((request) => ({ stream_id: request.streamId, events: request.events })))],
    );
    this.recordedIn.add(unit);
  }

  /**
   * After a unit (or a subscription's batch) commits: the events it recorded for then are
   * appended. Known per unit, not by a flag of the store: another unit's flush, begun before this
   * one committed, cannot see its rows.
   */
  private async afterCommit(unit: UnitOfWork<Queryable> | undefined): Promise<void> {
    const recorded = unit !== undefined && this.recordedIn.delete(unit);
    if (!recorded && !this.leftovers) return;
    this.leftovers = false;
    try {
      await this.flushDerived();
    } catch (error) {
      this.leftovers = true;
      throw error;
    }
  }

  /**
   * Appends the events units recorded for after their commit (any process's, a crash's left
   * over included), oldest first, and deletes their rows; returns how many rows it appended.
   * Rows being appended by another process are skipped (locked), unless `wait`: then this waits
   * for them (and finds them gone), so that everything recorded before the call is in the log when
   * it returns. The later rows of a stream with a row skipped so are not appended before it (a
   * stream's events keep the order they were recorded in): this tries them again in a moment. An event appended twice is a duplicate. One whose id the log holds with other
   * content is refused, as is a row whose data the database refuses: its row stays, marked with
   * the refusal (`refused`), and the rest go on.
   */
  async flushDerived(wait = false): Promise<number> {
    if (this.db.concurrency === 1) return 0;
    let flushed = 0;
    let heldBack = 0;
    for (;;) {
      const page = await this.db.transaction(async (tx) => {
        // Each row says whether its stream has a row this flush did not lock (another flush holds it) before
        // one it did: one pass over the outbox, joined on each stream's last locked id.
        const { rows: locked } = await tx.query<OutboxRow & { held: boolean }>(
          wait
            ? `SELECT id, stream_id, events, false AS held FROM journey.derived_outbox WHERE refused IS NULL ORDER BY id LIMIT ${DERIVED_PAGE} FOR UPDATE`
            : `WITH locked AS (
                 SELECT id, stream_id, events FROM journey.derived_outbox WHERE refused IS NULL ORDER BY id LIMIT ${DERIVED_PAGE} FOR UPDATE SKIP LOCKED),
               lasts AS (SELECT stream_id, max(id) AS last FROM locked GROUP BY stream_id),
               held AS (
                 SELECT DISTINCT f.stream_id FROM lasts f
                 JOIN journey.derived_outbox e ON e.stream_id = f.stream_id AND e.id < f.last AND e.refused IS NULL
                 WHERE e.id NOT IN (SELECT id FROM locked))
               SELECT l.id, l.stream_id, l.events, h.stream_id IS NOT NULL AS held FROM locked l LEFT JOIN held h USING (stream_id) ORDER BY l.id`,
        );
        if (locked.length === 0) return { locked: 0, appended: 0 };
        // Appended now, a held stream's rows would come before that earlier row's events: they wait for the next flush.
        const waiting = new Set(locked.filter((row) => row.held).map((row) => row.stream_id));
        const rows = waiting.size === 0 ? locked : locked.filter((row) => !waiting.has(row.stream_id));
        if (rows.length === 0) return { locked: locked.length, appended: 0 };
        let refusals: Map<string, Refusal[]>;
        try {
          refusals = await this.appendRows(rows);
        } catch (error) {
          if (!(error instanceof AppendRejectedError)) throw error;
          // The database refused the page's data: each row alone, so that only the bad one is kept back.
          refusals = new Map();
          for (const row of rows) {
            try {
              for (const [id, list] of await this.appendRows([row])) refusals.set(id, list);
            } catch (alone) {
              if (!(alone instanceof AppendRejectedError)) throw alone;
              refusals.set(row.id, row.events.map((event) => ({ eventId: event.eventId, reason: alone.message })));
            }
          }
        }
        if (refusals.size > 0) {
          await tx.query('UPDATE journey.derived_outbox o SET refused = x.events FROM json_to_recordset($1::json) AS x(id bigint, events jsonb) WHERE o.id = x.id', [
            JSON.stringify([...refusals].map(([id, events]) => ({ id, events }))),
          ]);
        }
        await tx.query('DELETE FROM journey.derived_outbox WHERE id = ANY($1::bigint[])', [rows.filter((row) => !refusals.has(row.id)).map((row) => row.id)]);
        return { locked: locked.length, appended: rows.length };
      });
      flushed += page.appended;
      if (page.appended < page.locked) {
        // Rows held back behind another flush's, which is short: tried again in a moment, holding no
        // connection meanwhile; left to the next flush if it still holds them.
        if (++heldBack > HELD_BACK_ROUNDS) {
          this.leftovers = true;
          return flushed;
        }
        await new Promise((resolve) => setTimeout(resolve, HELD_BACK_PAUSE_MS));
        continue;
      }
      if (page.locked < DERIVED_PAGE) return flushed;
    }
  }

  /** Appends the rows' events, per stream in row order; resolves to the refusals (ids stored with other content) per row. */
  private async appendRows(rows: readonly OutboxRow[]): Promise<Map<string, Refusal[]>> {
    // The events per stream in row order, each remembering its row: outcomes come back in this order.
    const byStream = new Map<string, { events: NewEvent[]; rows: string[] }>();
    for (const row of rows) {
      const group = byStream.get(row.stream_id) ?? { events: [], rows: [] };
      for (const event of row.events) {
        group.events.push(event);
        group.rows.push(row.id);
      }
      byStream.set(row.stream_id, group);
    }
    const { outcomes } = await this.submit([...byStream].map(([streamId, group]) => ({ streamId, events: group.events })), true);
    const owners = [...byStream.values()].flatMap((group) => group.rows);
    const refusals = new Map<string, Refusal[]>();
    outcomes.forEach((outcome, index) => {
      if (outcome.status !== 'conflict') return;
      const list = refusals.get(owners[index]!) ?? [];
      list.push({ eventId: outcome.eventId, reason: outcome.reason });
      refusals.set(owners[index]!, list);
    });
    return refusals;
  }

  /**
   * Appends inside the caller's transaction, without group commit: the events commit or roll back
   * with the caller's other writes.
   */
  private async appendWithin(tx: Queryable, requests: readonly AppendRequest[]): Promise<AppendResult> {
    const sealed = this.vault ? await this.vault.seal(tx, requests, true) : requests;
    const report = await this.runner.run(tx, [prepareCall(sealed, false)], false);
    const outcome = report.outcomes[0]!;
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<readonly RecordedEvent[]> {
    const { rows } = await this.read<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM journey.events
       WHERE stream_id = $1 AND stream_position >= $2 AND stream_position <= $3
         AND ($4::timestamptz IS NULL OR recorded_at <= $4::timestamptz)
       ORDER BY stream_position ${options.backward ? 'DESC' : 'ASC'}
       LIMIT $5`,
      [
        streamId,
        options.fromVersion ?? 1,
        options.toVersion ?? Number.MAX_SAFE_INTEGER,
        options.until?.toISOString() ?? null,
        options.limit ?? null,
      ],
    );
    return this.opened(this.db, rows);
  }

  async readRecent(streamIds: readonly string[], limit: number): Promise<readonly RecordedEvent[]> {
    if (streamIds.length === 0) return [];
    const { rows } = await this.read<EventRow>(
      `SELECT e.* FROM unnest($1::text[]) AS s(id)
       CROSS JOIN LATERAL (
         SELECT ${EVENT_COLUMNS} FROM journey.events WHERE stream_id = s.id ORDER BY stream_position DESC LIMIT $2
       ) e
       ORDER BY e.occurred_at DESC, e.global_position DESC
       LIMIT $2`,
      [streamIds, limit],
      { prepareAs: 'journey_read_recent' },
    );
    return this.opened(this.db, rows);
  }

  async readAll(after: GlobalCursor, limit: number): Promise<ReadAllResult> {
    return this.readAllWithin(this.db, after, limit);
  }

  /** readAll inside a caller's transaction (its own uncommitted work stays above the horizon). */
  private async readAllWithin(
    db: Queryable,
    after: GlobalCursor,
    limit: number,
    keep?: (streamId: string) => boolean,
    types?: readonly string[],
  ): Promise<ReadAllResult> {
    const quiet = [...this.quietUnits];
    const params: unknown[] = [String(after.commit), after.position, limit];
    if (quiet.length > 0) params.push(quiet);
    if (types) params.push(types);
    const { rows } = await this.read<EventRow>(
      `SELECT ${types ? eventColumnsOfTypes(`$${params.length}`) : EVENT_COLUMNS} FROM journey.events
       WHERE (tx_id, global_position) > ($1::text::xid8, $2::bigint)
         AND tx_id < ${quiet.length === 0 ? 'pg_snapshot_xmin(pg_current_snapshot())' : PAST_QUIET_UNITS}
       ORDER BY tx_id, global_position
       LIMIT $3`,
      params,
      undefined,
      db,
    );
    // Every row read is committed: its stream's head is known from here on. Another process's
    // appends (ingest there, the pass's derived events here) then do not find this one's heads
    // stale and have their statement refused and planned again.
    for (const row of rows) this.heads.observe(row.stream_id, Number(row.stream_position), row.hash);
    // Rows the reader does not want (other streams, other types) are neither opened nor upcast; they still move `next`.
    const last = rows[rows.length - 1];
    const wanted = keep || types ? rows.filter((row) => row.wanted !== false && (!keep || keep(row.stream_id))) : rows;
    const events = await this.opened(db, wanted);
    return { events, next: last ? { commit: Number(last.tx_id), position: Number(last.global_position) } : after, scanned: rows.length };
  }

  /**
   * Calls `listener` with the transaction id of each commit of events this process hears of: its
   * own at once, other processes' by NOTIFY once listening. Returns the way to stop.
   */
  onCommit(listener: (txId: number) => void): () => void {
    this.commits.on('commit', listener);
    return () => this.commits.off('commit', listener);
  }

  subscribe(name: string, handler: SubscriptionHandler<Queryable>, options: SubscriptionOptions<Queryable> = {}): Subscription {
    // Events a crashed process recorded for after its units' commits are appended by the next start.
    if (this.db.concurrency > 1) this.leftovers = true;
    const signal: CommitSignal = { onCommit: (listener) => this.onCommit(listener) };
    const appendsNothing = options.appendsNothing === true;
    const deps = {
      db: this.db,
      lastCommitted: () => this.lastCommitted(),
      commits: signal,
      unitOf: (tx: Queryable) => this.unitOf(tx, appendsNothing),
      afterCommit: (unit: UnitOfWork<Queryable> | undefined) => this.afterCommit(unit),
      settleRecorded: async () => void (await this.flushDerived(true)),
      // One connection has no reader beside the unit: nothing to pass.
      quiet: appendsNothing && this.db.concurrency > 1 ? (txId: string) => this.quietUnit(txId) : undefined,
    };
    if (options.partitions) {
      const partitioned: Subscription = new PartitionedSubscription(name, handler, options, options.partitions, {
        ...deps,
        readAll: (after, limit, keep) => this.readAllWithin(this.db, after, limit, keep, options.types),
        onStop: () => this.subscriptions.delete(partitioned),
      });
      this.subscriptions.add(partitioned);
      return partitioned;
    }
    const subscription: PollingSubscription = new PollingSubscription(name, handler, options, {
      ...deps,
      readAll: (after, limit) => this.readAllWithin(this.db, after, limit, undefined, options.types),
      onStop: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** Lets this process's reads pass the open transaction `txId` (a unit that appends nothing) until the returned function is called. */
  private quietUnit(txId: string): () => void {
    this.quietUnits.add(txId);
    return () => void this.quietUnits.delete(txId);
  }

  /** Leases in this database on a server; PGlite is one process, which holds every partition. */
  partitionLeases(group: string, options: PartitionLeaseOptions): PartitionLeases<Queryable> {
    return this.db.kind === 'postgres' ? new PostgresPartitionLeases(this.db, group, options) : allPartitions<Queryable>(options.count);
  }

  async checkpointsReached(names: readonly string[], cursor: GlobalCursor): Promise<boolean> {
    // A partitioned subscription has reached the cursor when every one of its partitions has.
    const { rows } = await this.read<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         SELECT 1 FROM unnest($1::text[]) AS s(name) JOIN journey.checkpoints c ON c.name = s.name OR starts_with(c.name, s.name || '#')
         GROUP BY s.name HAVING bool_and((c.tx_id, c.position) >= ($2::text::xid8, $3::bigint))) reached`,
      [names, String(cursor.commit), cursor.position],
    );
    if (rows[0]!.n !== new Set(names).size) return false;
    // What the subscriptions' units recorded for after their commits is part of their work.
    if (this.db.concurrency === 1) return true;
    const { rows: pending } = await this.read<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM journey.derived_outbox WHERE refused IS NULL) AS any');
    return !pending[0]!.any;
  }

  /**
   * The last event committed now, in the global order. A subscriber has seen everything
   * committed before a moment once its checkpoint reaches this; it may have to wait for the safe
   * horizon to pass it, if an older transaction is still open.
   */
  async lastCommitted(): Promise<GlobalCursor> {
    const { rows } = await this.read<{ tx_id: number; global_position: number }>(
      'SELECT tx_id, global_position FROM journey.events ORDER BY tx_id DESC, global_position DESC LIMIT 1',
    );
    const row = rows[0];
    return row ? { commit: row.tx_id, position: row.global_position } : START_CURSOR;
  }

  async verify(streamId: string): Promise<VerifyResult> {
    const page = 1000;
    let previous: string | null = null;
    let expectedPosition = 1;
    for (;;) {
      // The hash covers the instants to the millisecond, as appends write them; the columns keep
      // microseconds, so a part of a millisecond can only have been written afterwards.
      const { rows } = await this.read<EventRow & { readonly sub_millisecond: boolean }>(
        `SELECT ${EVENT_COLUMNS},
                occurred_at <> date_trunc('milliseconds', occurred_at) OR recorded_at <> date_trunc('milliseconds', recorded_at) AS sub_millisecond
         FROM journey.events WHERE stream_id = $1 AND stream_position >= $2
         ORDER BY stream_position LIMIT $3`,
        [streamId, expectedPosition, page],
      );
      for (const row of rows) {
        const broken = (reason: string): VerifyResult => ({
          streamId,
          ok: false,
          events: expectedPosition - 1,
          brokenAt: expectedPosition,
          reason,
        });
        if (row.stream_position !== expectedPosition) return broken(`position ${expectedPosition} is missing`);
        if (row.sub_millisecond) return broken('an instant of the event holds a part of a millisecond, which no append writes');
        const hash = chainHash(previous, storedEnvelope(row));
        if (hash !== toBuffer(row.hash).toString('hex')) return broken('the stored hash does not match the event');
        previous = hash;
        expectedPosition++;
      }
      if (rows.length < page) break;
    }
    const events = expectedPosition - 1;
    const { rows } = await this.read<{ version: number; last_hash: Uint8Array | null }>(
      'SELECT version, last_hash FROM journey.streams WHERE stream_id = $1',
      [streamId],
    );
    const head = rows[0];
    const headVersion = head?.version ?? 0;
    if (headVersion !== events) {
      return { streamId, ok: false, events, brokenAt: events + 1, reason: `the stream is at version ${headVersion} but ${events} events remain` };
    }
    if (events > 0 && !(head?.last_hash && previous === toBuffer(head.last_hash).toString('hex'))) {
      return { streamId, ok: false, events, brokenAt: events, reason: 'the stream head does not chain from the last event' };
    }
    return { streamId, ok: true, events };
  }

  async verifyAll(options: { after?: string; onProgress?: (streams: number) => void } = {}): Promise<VerifyAllReport> {
    const report = { streams: 0, events: 0, broken: [] as Array<Extract<VerifyResult, { ok: false }>> };
    for (let after = options.after ?? ''; ; ) {
      const { rows } = await this.read<{ stream_id: string }>(
        'SELECT stream_id FROM journey.streams WHERE stream_id > $1 ORDER BY stream_id LIMIT 1000',
        [after],
      );
      for (const { stream_id: streamId } of rows) {
        const result = await this.verify(streamId);
        report.streams++;
        report.events += result.events;
        if (!result.ok) report.broken.push(result);
      }
      options.onProgress?.(report.streams);
      if (rows.length < 1000) break;
      after = rows[rows.length - 1]!.stream_id;
    }
    // Events under a stream with no row in journey.streams (the row deleted, or never written): broken too.
    const { rows: orphans } = await this.read<{ stream_id: string }>(
      `SELECT DISTINCT e.stream_id FROM journey.events e
       WHERE e.stream_id > $1 AND NOT EXISTS (SELECT 1 FROM journey.streams s WHERE s.stream_id = e.stream_id) ORDER BY 1`,
      [options.after ?? ''],
    );
    for (const { stream_id: streamId } of orphans) {
      const result = await this.verify(streamId);
      report.streams++;
      report.events += result.events;
      if (!result.ok) report.broken.push(result);
    }
    return report;
  }

  /** Stored rows as events: PII opened (when there is a vault) as stored, then upcast. */
  private async opened(db: Queryable, rows: readonly EventRow[]): Promise<RecordedEvent[]> {
    if (!this.vault) return rows.map((row) => toRecordedEvent(row, this.upcasters));
    const stored = await this.vault.reveal(db, rows.map((row) => toRecordedEvent(row, NO_UPCASTERS)));
    return this.upcasters.isEmpty ? stored : stored.map((event) => this.upcasters.upcast(event));
  }

  /** Stops the subscriptions, lets in-flight appends finish, and stops listening. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.writer.close();
    await this.notifier.flush();
    await this.stopListening?.();
  }

  get queuedAppends(): number {
    return this.writer.pending;
  }

  private committed(txId: number): void {
    this.commits.emit('commit', txId);
    if (this.db.kind === 'postgres') this.notifier.notify(txId);
  }

  private async read<R extends object>(sql: string, params?: readonly unknown[], options?: QueryOptions, db: Queryable = this.db) {
    try {
      return await db.query<R>(sql, params, options);
    } catch (error) {
      if (isUnavailable(error)) throw new StoreUnavailableError(`the database is unavailable: ${(error as Error).message}`, { cause: error });
      throw error;
    }
  }
}

function prepareCall(requests: readonly AppendRequest[], streamsExist: boolean): AppendCall {
  let eventCount = 0;
  const prepared = requests.map((request) => {
    eventCount += request.events.length;
    return { streamId: request.streamId, events: request.events.map(prepareEvent), expected: request.expected ?? 'any' };
  });
  return { requests: prepared, eventCount, streamsExist };
}

/**
 * Tells other processes that events committed: at most one NOTIFY in flight and one per
 * NOTIFY_INTERVAL_MS, carrying the highest transaction id committed since the last one.
 */
class CommitNotifier {
  private highest = 0;
  private sent = 0;
  private running: Promise<void> | undefined;

  constructor(private readonly db: Database) {}

  notify(txId: number): void {
    if (txId > this.highest) this.highest = txId;
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  async flush(): Promise<void> {
    await this.running;
  }

  private async drain(): Promise<void> {
    while (this.highest > this.sent) {
      const txId = this.highest;
      try {
        await this.db.notify(COMMIT_CHANNEL, String(txId));
      } catch {
        // Listeners fall back to polling; the next commit notifies again.
      }
      this.sent = txId;
      await new Promise((resolve) => setTimeout(resolve, NOTIFY_INTERVAL_MS));
    }
  }
}

interface OutboxRow {
  id: string;
  stream_id: string;
  events: NewEvent[];
}

/** Why an event of an outbox row was not appended, kept in its row for an operator. */
interface Refusal {
  readonly eventId: string;
  readonly reason: string;
}

