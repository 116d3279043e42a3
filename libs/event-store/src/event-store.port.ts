import type { EventMetadata, JourneyEvent } from '@journey/contracts';

export const EVENT_STORE = Symbol('EVENT_STORE');

/** What the stream must be at for an append to go ahead: a version, absent, or anything. */
export type ExpectedVersion = number | 'no_stream' | 'any';

/** An event to append: the envelope without its owner, which the stream names. */
export interface NewEvent {
  readonly eventId: string;
  readonly type: string;
  readonly version: number;
  readonly occurredAt: string;
  readonly source: string;
  readonly data: object;
  readonly metadata: EventMetadata;
}

export interface AppendRequest {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expected?: ExpectedVersion;
}

export type EventOutcome =
  | { readonly status: 'appended'; readonly eventId: string; readonly streamId: string; readonly streamPosition: number }
  /** Stored before with the same content: nothing written, the original position returned. */
  | { readonly status: 'duplicate'; readonly eventId: string; readonly streamId: string; readonly streamPosition: number }
  /** The id is already used by an event with other content: this event is refused. */
  | { readonly status: 'conflict'; readonly eventId: string; readonly streamId: string; readonly reason: string };

export interface AppendResult {
  /** One outcome per event, in the order the events were given (requests flattened). */
  readonly outcomes: readonly EventOutcome[];
}

/** Where an event sits in the store, beside its envelope. */
export interface RecordedPosition {
  readonly streamId: string;
  readonly streamPosition: number;
  readonly globalPosition: number;
  /** The first half of the event's place in the global order (see GlobalCursor). */
  readonly commit: number;
  readonly recordedAt: string;
  /** sha256 of the previous hash and this event's canonical envelope, hex. */
  readonly hash: string;
}

export type RecordedEvent = JourneyEvent & RecordedPosition;

/**
 * A point in the global order: events are ordered by the pair (commit, position). Each adapter
 * says what the halves are (on PostgreSQL the writing transaction and the global position, on
 * KurrentDB the commit and prepare positions of `$all`); callers only compare and store them.
 */
export interface GlobalCursor {
  readonly commit: number;
  readonly position: number;
}

export const START_CURSOR: GlobalCursor = { commit: 0, position: 0 };

/** Whether `a` comes before `b` in the global order. */
export function isBefore(a: GlobalCursor, b: GlobalCursor): boolean {
  return a.commit < b.commit || (a.commit === b.commit && a.position < b.position);
}

/** The place of a recorded event in the global order. */
export function cursorOf(event: RecordedPosition): GlobalCursor {
  return { commit: event.commit, position: event.globalPosition };
}

export interface ReadStreamOptions {
  /** First stream position to return (default 1). */
  readonly fromVersion?: number;
  /** Last stream position to return. */
  readonly toVersion?: number;
  /** Only events recorded at or before this instant: what the store knew then. */
  readonly until?: Date;
  readonly limit?: number;
  /** Newest first (with `limit`: the last events of the stream). */
  readonly backward?: boolean;
}

export interface ReadAllResult {
  readonly events: readonly RecordedEvent[];
  /** Where the next read continues; equal to `after` when nothing was below the safe horizon. */
  readonly next: GlobalCursor;
  /** How many events the read went past, those it left out (other partitions, other types) included; `events.length` when absent. */
  readonly scanned?: number;
}

/**
 * One unit of work: the read models' session `state` and the moves of checkpoints commit
 * together or not at all. `S` is what the read models are written through (for the engine, a
 * SQL transaction); the store only hands it over.
 */
export interface UnitOfWork<S> {
  readonly state: S;
  /** The global order after `after`, read through the unit (what it has written stays above the horizon). */
  readAll(after: GlobalCursor, limit: number): Promise<ReadAllResult>;
  /**
   * Appends in the unit itself: the events commit or roll back with it. An adapter that cannot
   * join the unit (a store that is not the read models' database) appends them just before the
   * unit commits; their ids must then derive from what caused them, so that a unit run again
   * after a failure finds them stored.
   */
  append(requests: readonly AppendRequest[]): Promise<AppendResult>;
  /**
   * Events to append once the unit commits, recorded in it: they are appended if and only if the
   * unit's other writes commit, beside the unit, so the unit takes no lock on their streams and
   * cannot lose a race for a stream's order to a later writer of the same stream (a long unit
   * appending within itself would, under ingest). Their ids must derive from what caused them: a
   * crash between the commit and the append appends them again, as duplicates. The subscription
   * that ran the unit appends them right after its commit; any left by a crash are appended by
   * the next subscription's flush.
   */
  appendAfterCommit(requests: readonly AppendRequest[]): Promise<void>;
}

/**
 * Receives each batch inside a unit of work in which the store then moves the checkpoint: what
 * is written through the unit takes effect exactly once.
 */
export type SubscriptionHandler<S> = (events: readonly RecordedEvent[], unit: UnitOfWork<S>) => Promise<void>;

export interface SubscriptionOptions<S = unknown> {
  readonly batchSize?: number;
  /**
   * Handle only the customer partitions this process holds, each with its own checkpoint (see
   * EventStore.partitionLeases); without it, one checkpoint covers the whole log.
   */
  readonly partitions?: PartitionedSubscriptionOptions<S>;
  /** The longest wait between polls when no notification arrives. */
  readonly pollIntervalMs?: number;
  /**
   * After a batch that emptied the log, how long events gather before the next read (default 0:
   * read on every commit). Under a stream of small commits the subscription then handles fewer,
   * fuller batches: a read model off the latency path gathers long, the customer pass briefly. A
   * caller waiting in caughtUp() is not held by a subscription without partitions; a partitioned
   * one has moved its checkpoints before it gathers.
   */
  readonly gatherMs?: number;
  /**
   * The handler appends nothing within its unit (a read model: it writes its own tables only). On
   * PostgreSQL its unit's `append` is refused, and on a server this process's readers of the global
   * order do not wait for the unit's open transaction at the safe horizon: a long read-model batch
   * does not hold back the other subscriptions. (KurrentDB has no horizon; its units never append
   * in the unit's transaction.)
   */
  readonly appendsNothing?: boolean;
  /**
   * The event types the handler folds, when it folds only some: it is handed only those, and an
   * adapter may read the others' rows without their contents (the checkpoint moves past them).
   */
  readonly types?: readonly string[];
  /** Called when a batch fails; the batch is retried after a pause. */
  readonly onError?: (error: unknown) => void;
}

export interface Subscription {
  readonly name: string;
  /** The checkpoint as last committed. */
  readonly position: GlobalCursor;
  /** Resolves once the subscription has handled every event committed before the call. */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
}

export type VerifyResult =
  | { readonly streamId: string; readonly ok: true; readonly events: number }
  | {
      readonly streamId: string;
      readonly ok: false;
      readonly events: number;
      /** The first position at which the stored chain stops matching. */
      readonly brokenAt: number;
      readonly reason: string;
    };

export interface VerifyAllReport {
  readonly streams: number;
  readonly events: number;
  readonly broken: ReadonlyArray<Extract<VerifyResult, { ok: false }>>;
}

/**
 * The event store, as every adapter must give it: appends with expected versions and
 * idempotency by event id, reads of a stream and of the global order, ordered subscriptions with
 * durable checkpoints kept beside the read models, and units of work in which read-model state
 * and checkpoints commit together. `S` is the read models' session a unit hands over.
 */
export interface EventStore<S = unknown> {
  append(streamId: string, events: readonly NewEvent[], expected?: ExpectedVersion): Promise<AppendResult>;
  /** Several streams for one caller: the version checks hold for all of them or none is written. */
  appendMany(requests: readonly AppendRequest[]): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<readonly RecordedEvent[]>;
  /**
   * The latest events of several streams in one read: each stream's last `limit`, then the
   * `limit` that happened last (by occurredAt, then global position), newest first.
   */
  readRecent(streamIds: readonly string[], limit: number): Promise<readonly RecordedEvent[]>;
  /** The global order after `after`, up to `limit` events, stopping at the safe horizon. */
  readAll(after: GlobalCursor, limit: number): Promise<ReadAllResult>;
  subscribe(name: string, handler: SubscriptionHandler<S>, options?: SubscriptionOptions<S>): Subscription;
  /**
   * The leases by which the processes of a group share the customer partitions (unstarted). An
   * adapter whose processes cannot share them says so by throwing; one process alone holds all.
   */
  partitionLeases(group: string, options: PartitionLeaseOptions): PartitionLeases<S>;
  /** Runs `work` in one unit of work: committed when it resolves, rolled back when it throws. */
  unitOfWork<T>(work: (unit: UnitOfWork<S>) => Promise<T>): Promise<T>;
  /**
   * Calls `listener` when events commit: at once for this process's appends, as soon as the
   * adapter hears of them for others'. A wake-up only (readers still read after their cursor);
   * returns the way to stop.
   */
  onCommit(listener: () => void): () => void;
  /** The last event committed now, in the global order (the start when there is none). */
  lastCommitted(): Promise<GlobalCursor>;
  /**
   * Whether every named subscription's durable checkpoint has reached `cursor` (in any process),
   * and the events their units recorded for after their commits are appended.
   */
  checkpointsReached(names: readonly string[], cursor: GlobalCursor): Promise<boolean>;
  verify(streamId: string): Promise<VerifyResult>;
  /** Verifies every stream, in stream id order (`after` resumes a partial run). */
  verifyAll(options?: { after?: string; onProgress?: (streams: number) => void }): Promise<VerifyAllReport>;
  /** Stops the subscriptions and lets appends under way settle. */
  close(): Promise<void>;
}

/**
 * Which of the P customer partitions this process holds now. A partitioned subscription handles
 * only the events of the partitions held, and checks inside each batch's unit of work that it
 * still holds them (the fence), so a process that lost a lease never commits for it.
 */
export interface PartitionOwnership<S = unknown> {
  /** P: how many partitions the customers are split into. */
  readonly count: number;
  owned(): ReadonlySet<number>;
  /** Called when the set of partitions held changes; returns the way to stop listening. */
  onChange(listener: () => void): () => void;
  /** Inside a unit of work's session: whether this process still holds all of `partitions`. */
  holds(session: S, partitions: readonly number[]): Promise<boolean>;
}

export interface PartitionLeaseStatus {
  readonly group: string;
  readonly member: string;
  readonly count: number;
  readonly owned: readonly number[];
  /** Processes seen alive in the group (this one included). */
  readonly members: number;
}

/** Ownership that is kept by leases: taken at start, renewed, given back at stop. */
export interface PartitionLeases<S = unknown> extends PartitionOwnership<S> {
  readonly group: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): PartitionLeaseStatus;
}

export interface PartitionLeaseOptions {
  /** P, the same for every process of the group. */
  readonly count: number;
  /** How long a lease lasts unless renewed (a crashed process's partitions are taken after it). */
  readonly leaseMs: number;
  /** This process's name in the group (default: host, pid and a random part). */
  readonly member?: string;
  /** Called when a round of renewals fails (it is tried again next round; leases not renewed lapse). */
  readonly onError?: (error: unknown) => void;
}

/**
 * What a partitioned subscription needs beyond the partitions held: for each event of a batch,
 * the partition keys of other rows its handling reads or writes (beyond its own stream's), or
 * 'all' when it may touch any; asked inside the batch's unit of work, through its session. Such
 * an event waits until the partitions of those keys have handled everything before it, so that
 * every row sees its events in the global order.
 */
export type CrossPartitionKeys<S = unknown> = (events: readonly RecordedEvent[], session: S) => Promise<ReadonlyArray<readonly string[] | 'all'>>;

export interface PartitionedSubscriptionOptions<S = unknown> {
  readonly ownership: PartitionOwnership<S>;
  readonly crossPartition?: CrossPartitionKeys<S>;
}
