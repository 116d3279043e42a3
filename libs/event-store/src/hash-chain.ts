import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** RFC 8785 canonical JSON: sorted keys, so the form can be recomputed from a jsonb row. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

/** The envelope fields the chain covers, with data and metadata already in canonical form. */
export interface ChainedFields {
  readonly streamId: string;
  readonly streamPosition: number;
  readonly eventId: string;
  readonly type: string;
  readonly version: number;
  readonly source: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly canonicalData: string;
  readonly canonicalMetadata: string;
}

/** The canonical envelope: keys in sorted order, written out directly since they are fixed. */
export function canonicalEnvelope(e: ChainedFields): string {
  return (
    `{"data":${e.canonicalData},"eventId":${JSON.stringify(e.eventId)},"metadata":${e.canonicalMetadata}` +
    `,"occurredAt":${JSON.stringify(e.occurredAt)},"recordedAt":${JSON.stringify(e.recordedAt)}` +
    `,"source":${JSON.stringify(e.source)},"streamId":${JSON.stringify(e.streamId)}` +
    `,"streamPosition":${e.streamPosition},"type":${JSON.stringify(e.type)},"version":${e.version}}`
  );
}

/** hash = sha256(previous hash ‖ canonical envelope); the first event of a stream has no previous. */
export function chainHash(previous: Buffer | null, canonical: string): Buffer {
  const hash = createHash('sha256');
  if (previous) hash.update(previous);
  return hash.update(canonical).digest();
}
