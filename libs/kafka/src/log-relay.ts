import { randomUUID } from 'node:crypto';
import { piiFieldsOfType } from '@journey/contracts';
import type { Database } from '@journey/database';
import type { GlobalCursor, RecordedEvent } from '@journey/event-store';
import { Pause } from '@journey/event-store';
import type { EventStore } from '@journey/event-store';

/** One event as downstream apps receive it: keyed by its customer (or visitor), without personal data. */
export interface RelayMessage {
  readonly key: string;
  readonly eventId: string;
  readonly type: string;
  /** JSON: the envelope, its place in the log, and its data without the fields marked PII. */
  readonly value: string;
}

/** Where the relay publishes (a Kafka topic); resolves once the messages are acknowledged. */
export interface LogPublisher {
  publish(messages: readonly RelayMessage[]): Promise<void>;
  close(): Promise<void>;
}

export interface LogRelayOptions {
  /** The checkpoint's name, shared by every process relaying to the same place. */
  readonly name: string;
  /** Only these event types (all when absent). */
  readonly types?: ReadonlySet<string>;
  readonly batchSize?: number;
  /** How long a process may relay without renewing its lease before another takes over. */
  readonly leaseMs?: number;
  readonly pollMs?: number;
  readonly onError?: (error: unknown) => void;
  /** Called with how many messages each published batch held. */
  readonly onPublished?: (messages: number) => void;
}

/**
 * Publishes the log, in its global order, to downstream apps, at least once. One process at a
 * time relays (it holds a lease on the checkpoint, renewed as it goes); it reads a batch below
 * the safe horizon, publishes it, and only then moves the checkpoint, where it still is and while
 * the lease is still its own. No transaction stays open meanwhile, so a slow or absent broker
 * holds back no other reader of the log. A crash, or a lease lost in the middle, publishes the
 * batch again: downstream apps deduplicate by event id (a header of every message).
 */
export class LogRelay {
  private readonly instance = randomUUID();
  private stopped = false;
  private running: Promise<void> | undefined;
  private readonly pause = new Pause();
  private unsubscribe: (() => void) | undefined;
  /** Whether this process holds the lease: only then does a commit wake it. */
  private leading = false;

  constructor(
    private readonly store: EventStore,
    private readonly db: Database,
    private readonly publisher: LogPublisher,
    private readonly options: LogRelayOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.unsubscribe = this.store.onCommit(() => {
      if (this.leading) this.pause.wake();
    });
    this.running = this.run();
  }

  /** Stops after the batch in hand, gives up the lease, and closes the publisher. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.pause.wake();
    await this.running;
    await this.db
      .query('UPDATE journey.checkpoints SET owner = NULL, lease_until = NULL WHERE name = $1 AND owner = $2', [this.options.name, this.instance])
      .catch(() => undefined);
    await this.publisher.close();
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    const leaseMs = this.options.leaseMs ?? 15_000;
    const pollMs = this.options.pollMs ?? 1000;
    let cursor: GlobalCursor | undefined;
    let renewedAt = 0;
    let backoff = 100;
    while (!this.stopped) {
      try {
        if (!cursor) {
          cursor = await this.claim(leaseMs);
          this.leading = cursor !== undefined;
          if (!cursor) {
            // Another process relays: try again once its lease could have lapsed.
            await this.sleep(leaseMs / 3);
            continue;
          }
          renewedAt = Date.now();
        }
        const batch = await this.store.readAll(cursor, batchSize);
        if (batch.events.length > 0) {
          const messages = batch.events.filter((event) => !this.options.types || this.options.types.has(event.type)).map(relayMessage);
          if (messages.length > 0) {
            await this.publisher.publish(messages);
            this.options.onPublished?.(messages.length);
          }
        }
        if (batch.events.length > 0 || Date.now() - renewedAt > leaseMs / 3) {
          if (!(await this.advance(cursor, batch.next, leaseMs))) {
            // The lease went to another process: what it relays starts from the checkpoint.
            cursor = undefined;
            this.leading = false;
            continue;
          }
          cursor = batch.next;
          renewedAt = Date.now();
        }
        backoff = 100;
        if (batch.events.length < batchSize) await this.sleep(pollMs);
      } catch (error) {
        this.options.onError?.(error);
        cursor = undefined;
        this.leading = false;
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  }

  /** Takes the lease when it is free, lapsed or already ours; the checkpoint to relay from. */
  private async claim(leaseMs: number): Promise<GlobalCursor | undefined> {
    await this.db.query('INSERT INTO journey.checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [this.options.name]);
    const { rows } = await this.db.query<{ tx_id: number; position: number }>(
      `UPDATE journey.checkpoints SET owner = $2, lease_until = now() + $3 * interval '1 millisecond'
       WHERE name = $1 AND (owner IS NULL OR owner = $2 OR lease_until < now())
       RETURNING tx_id, position`,
      [this.options.name, this.instance, leaseMs],
    );
    const row = rows[0];
    return row ? { commit: Number(row.tx_id), position: Number(row.position) } : undefined;
  }

  /** Moves the checkpoint from `from` to `to` and renews the lease, if both are still as this process left them. */
  private async advance(from: GlobalCursor, to: GlobalCursor, leaseMs: number): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE journey.checkpoints
       SET tx_id = $3::text::xid8, position = $4, lease_until = now() + $7 * interval '1 millisecond', updated_at = now()
       WHERE name = $1 AND owner = $2 AND tx_id = $5::text::xid8 AND position = $6`,
      [this.options.name, this.instance, String(to.commit), to.position, String(from.commit), from.position, leaseMs],
    );
    return rowCount === 1;
  }

  private sleep(ms: number): Promise<void> {
    return this.stopped ? Promise.resolve() : this.pause.wait(ms);
  }
}

/** The message of one event: its data without the fields the contracts mark as personal. */
export function relayMessage(event: RecordedEvent): RelayMessage {
  const data = { ...(event.data as Record<string, unknown>) };
  for (const field of piiFieldsOfType(event.type)) delete data[field];
  const owner = event.customerId !== undefined ? { customerId: event.customerId } : { anonymousId: event.anonymousId };
  const value = {
    eventId: event.eventId,
    type: event.type,
    version: event.version,
    ...owner,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    source: event.source,
    data,
    metadata: event.metadata,
    streamId: event.streamId,
    streamPosition: event.streamPosition,
    globalPosition: event.globalPosition,
  };
  return { key: owner.customerId ?? owner.anonymousId ?? event.streamId, eventId: event.eventId, type: event.type, value: JSON.stringify(value) };
}
