import { AppendRejectedError } from '../errors';
import type { ExpectedVersion, NewEvent } from '../event-store.port';
import { canonicalJson } from '../hash-chain';

/** A new event with its canonical data and metadata computed once, before it is queued. */
export interface PreparedEvent extends NewEvent {
  readonly canonicalData: string;
  readonly canonicalMetadata: string;
}

export interface PreparedRequest {
  readonly streamId: string;
  readonly events: readonly PreparedEvent[];
  readonly expected: ExpectedVersion;
}

/** One caller's appends: its requests succeed or fail their version checks together. */
export interface AppendCall {
  readonly requests: readonly PreparedRequest[];
  readonly eventCount: number;
  /**
   * The streams are expected to exist already (events the engine derives for a customer): a head
   * this process does not remember is read before planning, rather than guessed new and found
   * moved by a statement sent in vain.
   */
  readonly streamsExist?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Canonicalises an event for the queue; refuses what the store could not hold faithfully. */
export function prepareEvent(event: NewEvent): PreparedEvent {
  const eventId = event.eventId.toLowerCase();
  if (!UUID.test(eventId)) throw new AppendRejectedError(`event id ${JSON.stringify(event.eventId)} is not a UUID`);
  const occurredAt = Date.parse(event.occurredAt);
  if (Number.isNaN(occurredAt)) throw new AppendRejectedError(`occurredAt of event ${eventId} is not an instant`);
  return {
    eventId,
    type: event.type,
    version: event.version,
    occurredAt: new Date(occurredAt).toISOString(),
    source: event.source,
    data: event.data,
    metadata: event.metadata,
    canonicalData: canonicalJson(event.data),
    canonicalMetadata: canonicalJson(event.metadata),
  };
}

/** What must match for a repeated event id to count as the same event (computed only for repeats). */
export function contentKey(streamId: string, event: Omit<PreparedEvent, 'eventId' | 'data' | 'metadata'>): string {
  return `${JSON.stringify([streamId, event.type, event.version, event.source, event.occurredAt])}${event.canonicalData}\u0001${event.canonicalMetadata}`;
}
