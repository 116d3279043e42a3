import { parse as parseUuid, v5 as uuidv5 } from 'uuid';

/** The namespace of the engine's deterministic event ids (UUID v5), as bytes: parsed once, not per id. */
const NAMESPACE = parseUuid('3c1f8a52-6b0e-4f6a-9d35-2f8e7c9b1a44');

/**
 * An id that is the same wherever and however often the same fact is derived: appending it twice
 * stores it once.
 */
export function derivedEventId(...parts: ReadonlyArray<string | number>): string {
  return uuidv5(Buffer.from(parts.join('|'), 'utf8'), NAMESPACE);
}
