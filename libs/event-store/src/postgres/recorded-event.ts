import { ownerOfStream, type Upcasters } from '@journey/contracts';
import { toBuffer } from '@journey/database';
import type { RecordedEvent } from '../event-store.port';
import { canonicalEnvelope, canonicalJson } from '../hash-chain';

/** The columns every read selects, in the shape `toRecordedEvent` expects. */
export const EVENT_COLUMNS = `global_position, tx_id, stream_id, stream_position, event_id, type, version,
  data, metadata, source, occurred_at, recorded_at, hash`;

/**
 * The columns of a read that wants only the types in the text array `typesParam`: the other rows
 * keep what places them (positions, stream, type, hash) and come without their contents, with
 * `wanted` false, so they cost neither PostgreSQL's output nor parsing.
 */
export function eventColumnsOfTypes(typesParam: string): string {
  const wanted = `type = ANY(${typesParam}::text[])`;
  const ifWanted = (column: string): string => `CASE WHEN ${wanted} THEN ${column} END AS ${column}`;
  return `global_position, tx_id, stream_id, stream_position, type, hash, ${wanted} AS wanted,
  ${['event_id', 'version', 'data', 'metadata', 'source', 'occurred_at', 'recorded_at'].map(ifWanted).join(', ')}`;
}

export interface EventRow {
  readonly global_position: number;
  readonly tx_id: number;
  readonly stream_id: string;
  readonly stream_position: number;
  readonly event_id: string;
  readonly type: string;
  readonly version: number;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
  readonly source: string;
  readonly occurred_at: Date;
  readonly recorded_at: Date;
  readonly hash: Uint8Array;
  /** Present in reads of some types only (eventColumnsOfTypes): false for a row of another type, which has no contents. */
  readonly wanted?: boolean;
}

export function toRecordedEvent(row: EventRow, upcasters: Upcasters): RecordedEvent {
  const event = {
    eventId: row.event_id,
    type: row.type,
    version: row.version,
    ...ownerOfStream(row.stream_id),
    occurredAt: row.occurred_at.toISOString(),
    source: row.source,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    streamPosition: row.stream_position,
    globalPosition: row.global_position,
    commit: row.tx_id,
    recordedAt: row.recorded_at.toISOString(),
    hash: toBuffer(row.hash).toString('hex'),
  } as RecordedEvent;
  return upcasters.isEmpty ? event : upcasters.upcast(event);
}

/** The canonical envelope of a stored row: the text its hash covers. */
export function storedEnvelope(row: EventRow): string {
  return canonicalEnvelope({
    streamId: row.stream_id,
    streamPosition: row.stream_position,
    eventId: row.event_id,
    type: row.type,
    version: row.version,
    source: row.source,
    occurredAt: row.occurred_at.toISOString(),
    recordedAt: row.recorded_at.toISOString(),
    canonicalData: canonicalJson(row.data),
    canonicalMetadata: canonicalJson(row.metadata),
  });
}
