import { asciiText, storableText } from '../storable-text';
import type { AccessEntry } from './access-log';

/** How much of what a client controls one access-log row keeps. */
export const ENTRY_LIMITS = { text: 1024, path: 2048, filters: 50, items: 20, depth: 3 } as const;

/**
 * The entry as PostgreSQL will take it: what the client controls (path, route, method, filter
 * names and values) made storable and bounded; what the engine set is kept as it is.
 */
export function sanitiseEntry(entry: AccessEntry): AccessEntry {
  return {
    ...entry,
    method: storableText(entry.method, 16),
    route: storableText(entry.route, ENTRY_LIMITS.path),
    path: storableText(entry.path, ENTRY_LIMITS.path),
    filters: storableObject(entry.filters, 0),
  };
}

/**
 * The entry in a form every database takes, for a row refused even after sanitising: the
 * client's text as ASCII escapes and the filters as one escaped string, with why it was refused.
 */
export function unrecordableEntry(entry: AccessEntry, error: unknown): AccessEntry {
  const code = (error as { code?: unknown } | undefined)?.code;
  return {
    ...entry,
    method: asciiText(entry.method, 16),
    route: asciiText(entry.route, ENTRY_LIMITS.path),
    path: asciiText(entry.path, ENTRY_LIMITS.path),
    filters: { unrecordable: asciiText(safeJson(entry.filters), ENTRY_LIMITS.text), refusedWith: typeof code === 'string' ? asciiText(code, 16) : 'unknown' },
  };
}

function storableObject(value: Readonly<Record<string, unknown>>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const names = Object.keys(value);
  for (const name of names.slice(0, ENTRY_LIMITS.filters)) out[storableText(name, ENTRY_LIMITS.text)] = storableValue(value[name], depth + 1);
  if (names.length > ENTRY_LIMITS.filters) out['…'] = `[${names.length - ENTRY_LIMITS.filters} more parameters left out]`;
  return out;
}

function storableValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return storableText(value, ENTRY_LIMITS.text);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (depth >= ENTRY_LIMITS.depth) return '[nested too deep]';
  if (Array.isArray(value)) {
    const kept = value.slice(0, ENTRY_LIMITS.items).map((item) => storableValue(item, depth + 1));
    return value.length > ENTRY_LIMITS.items ? [...kept, `[${value.length - ENTRY_LIMITS.items} more values left out]`] : kept;
  }
  if (typeof value === 'object') return storableObject(value as Record<string, unknown>, depth);
  return storableText(String(value), ENTRY_LIMITS.text);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '[not serialisable]';
  }
}
