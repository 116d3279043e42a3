import type { EventMetadata, JourneyEvent } from '@journey/contracts';
import type { Queryable } from '@journey/database';

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
  readonly txId: number;
  readonly recordedAt: string;
  /** sha256 of the previous hash and this event's canonical envelope, hex. */
  readonly hash: string;
}

export type RecordedEvent = JourneyEvent & RecordedPosition;

/** A point in the global order: events are ordered by the pair (transaction id, position). */
export interface GlobalCursor {
  readonly txId: number;
  readonly position: number;
}

export const START_CURSOR: GlobalCursor = { txId: 0, position: 0 };

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
}

/**
 * Receives each batch inside a transaction in which the store then moves the checkpoint: writes
 * made through `tx` take effect exactly once.
 */
export type SubscriptionHandler = (events: readonly RecordedEvent[], tx: Queryable) => Promise<void>;

export interface SubscriptionOptions {
  readonly batchSize?: number;
  /** The longest wait between polls when no notification arrives. */
  readonly pollIntervalMs?: number;
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

export interface EventStore {
  append(streamId: string, events: readonly NewEvent[], expected?: ExpectedVersion): Promise<AppendResult>;
  /** Several streams for one caller: the version checks hold for all of them or none is written. */
  appendMany(requests: readonly AppendRequest[]): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<readonly RecordedEvent[]>;
  /**
   * The latest events of several streams in one read: each stream's last `limit`, then the
   * `limit` that happened last (by occurredAt, then global position), newest first.
   */
  readRecent(streamIds: readonly string[], limit: number): Promise<readonly RecordedEvent[]>;
  readAll(after: GlobalCursor, limit: number): Promise<ReadAllResult>;
  subscribe(name: string, handler: SubscriptionHandler, options?: SubscriptionOptions): Subscription;
  verify(streamId: string): Promise<VerifyResult>;
}
