import type { AllStreamResolvedEvent, JSONEventData, RecordedEvent as KurrentRecord, ResolvedEvent } from '@kurrent/kurrentdb-client';
import { ownerOfStream } from '@journey/contracts';
import type { EventMetadata } from '@journey/contracts';
import type { RecordedEvent } from '../event-store.port';
import { canonicalEnvelope, canonicalJson } from '../hash-chain';
import type { PreparedEvent } from '../postgres/prepared-event';

/**
 * How a journey event sits in KurrentDB: the type, id and data as KurrentDB's own, and the rest
 * of the envelope with the chain in its metadata. Multi-stream appends take metadata only as an
 * object of strings, so every field is a string and journey's own metadata is its canonical JSON.
 */
export interface StoredMetadata {
  readonly metadata: string;
  readonly version: string;
  readonly source: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  /** sha256 of the previous hash and the canonical envelope, hex. */
  readonly hash: string;
}

/** Where an event is to go: its stream, its position there (1-based) and the chain so far. */
export interface Placement {
  readonly streamId: string;
  readonly streamPosition: number;
  readonly recordedAt: string;
  readonly hash: string;
}

export function toEventData(event: PreparedEvent, placement: Placement): JSONEventData {
  const metadata: StoredMetadata = {
    metadata: event.canonicalMetadata,
    version: String(event.version),
    source: event.source,
    occurredAt: event.occurredAt,
    recordedAt: placement.recordedAt,
    hash: placement.hash,
  };
  return {
    id: event.eventId,
    contentType: 'application/json',
    type: event.type,
    data: JSON.parse(event.canonicalData) as Record<string, unknown>,
    metadata: { ...metadata },
  };
}

/**
 * A record read back as a journey event, as stored (PII sealed, not upcast); undefined for what
 * is not a journey event: system events, id claims, and events other writers put in the store.
 */
export function fromRecord(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const record = resolved.event as KurrentRecord | undefined;
  if (!record || !record.isJson || record.type.startsWith('$')) return undefined;
  const stored = storedMetadataOf(record.metadata);
  if (!stored) return undefined;
  const data = record.data as Record<string, unknown>;
  return {
    eventId: record.id.toLowerCase(),
    type: record.type,
    version: Number(stored.version),
    ...ownerOfStream(record.streamId),
    occurredAt: stored.occurredAt,
    source: stored.source,
    data,
    metadata: JSON.parse(stored.metadata) as EventMetadata,
    streamId: record.streamId,
    streamPosition: Number(record.revision) + 1,
    globalPosition: Number(record.position?.prepare ?? 0n),
    commit: Number(record.position?.commit ?? 0n),
    recordedAt: stored.recordedAt,
    hash: stored.hash,
  } as RecordedEvent;
}

/** The canonical envelope of a stored event: the text its hash covers. */
export function envelopeOf(event: RecordedEvent): string {
  return canonicalEnvelope({
    streamId: event.streamId,
    streamPosition: event.streamPosition,
    eventId: event.eventId,
    type: event.type,
    version: event.version,
    source: event.source,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    canonicalData: canonicalJson(event.data),
    canonicalMetadata: canonicalJson(event.metadata),
  });
}

const FIELDS = ['metadata', 'version', 'source', 'occurredAt', 'recordedAt', 'hash'] as const;

/** Journey's fields of a record's metadata (the server may add keys of its own, left aside). */
function storedMetadataOf(metadata: unknown): StoredMetadata | undefined {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata) || metadata instanceof Uint8Array) return undefined;
  const fields = metadata as Record<string, unknown>;
  for (const field of FIELDS) if (typeof fields[field] !== 'string') return undefined;
  return fields as unknown as StoredMetadata;
}
