import { hash } from 'node:crypto';

/**
 * Canonical JSON (RFC 8785 for the values JSON carries): object keys sorted by UTF-16 code
 * units, no whitespace, numbers and strings as JSON.stringify writes them. jsonb reorders keys,
 * so only a canonical form can be recomputed from a stored row. Sorted copies written by the
 * native JSON.stringify are several times faster than serialising by hand; but JavaScript puts
 * integer-like keys ("9", "10") first whatever the insertion order, so objects with such keys
 * are written by hand.
 */
export function canonicalJson(value: unknown): string {
  indexKeySeen = false;
  const copy = sortedCopy(value);
  const text = indexKeySeen ? serialise(value) : JSON.stringify(copy);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

let indexKeySeen = false;
const INDEX_KEY = /^(0|[1-9]\d*)$/;

function plainOf(value: object): unknown {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON(): unknown }).toJSON() : value;
}

function sortedCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const plain = plainOf(value);
  if (plain === null || typeof plain !== 'object') return plain;
  if (Array.isArray(plain)) return plain.map(sortedCopy);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(plain).sort()) {
    if (INDEX_KEY.test(key)) indexKeySeen = true;
    copy[key] = sortedCopy((plain as Record<string, unknown>)[key]);
  }
  return copy;
}

function serialise(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const plain = plainOf(value);
  if (plain === null || typeof plain !== 'object') return JSON.stringify(plain);
  if (Array.isArray(plain)) return `[${plain.map((item) => serialise(item) ?? 'null').join(',')}]`;
  const parts: string[] = [];
  for (const key of Object.keys(plain).sort()) {
    const text = serialise((plain as Record<string, unknown>)[key]);
    if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(',')}}`;
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
  return envelopeText(e, e.streamId, e.streamPosition, e.recordedAt);
}

/** The same text, with the placement fields passed apart (the hot path builds no object). */
export function envelopeText(
  e: Omit<ChainedFields, 'streamId' | 'streamPosition' | 'recordedAt'>,
  streamId: string,
  streamPosition: number,
  recordedAt: string,
): string {
  return (
    `{"data":${e.canonicalData},"eventId":${JSON.stringify(e.eventId)},"metadata":${e.canonicalMetadata}` +
    `,"occurredAt":${JSON.stringify(e.occurredAt)},"recordedAt":${JSON.stringify(recordedAt)}` +
    `,"source":${JSON.stringify(e.source)},"streamId":${JSON.stringify(streamId)}` +
    `,"streamPosition":${streamPosition},"type":${JSON.stringify(e.type)},"version":${e.version}}`
  );
}

/**
 * hash = sha256(previous hash in lower-case hex ‖ canonical envelope), in lower-case hex; the
 * first event of a stream has no previous hash.
 */
export function chainHash(previousHex: string | null, canonical: string): string {
  return hash('sha256', previousHex === null ? canonical : previousHex + canonical, 'hex');
}
