import { isDerivedType, type JourneyEvent } from '@journey/contracts';
import { HISTORY_KEYS, MAX_WINDOW_DAYS } from './segment';

/**
 * A compact event history per customer: counts per UTC day (days since the epoch) per key, the
 * key being an event type or a type with one of its values (`PurchaseCompleted|category=shoes`).
 * Only the days an event-history condition can still look at are kept.
 */
export type ActivityHistory = Readonly<Record<string, Readonly<Record<string, number>>>>;

export const DAY_MS = 86_400_000;

export function dayOf(at: number): number {
  return Math.floor(at / DAY_MS);
}

export function historyKey(type: string, where?: Readonly<Record<string, string>>): string {
  if (!where) return type;
  const entries = Object.entries(where).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length === 0 ? type : `${type}|${entries.map(([k, v]) => `${k}=${v}`).join('|')}`;
}

/** The keys an event counts under: its type, and its type with each value of the keyed fields. */
export function keysOf(event: JourneyEvent): string[] {
  const keys = [event.type as string];
  const fields = HISTORY_KEYS[event.type];
  if (!fields) return keys;
  const values = new Set<string>();
  const data = event.data as unknown as Record<string, unknown>;
  const items = Array.isArray(data.items) ? (data.items as Array<Record<string, unknown>>) : [data];
  for (const field of fields) for (const item of items) if (typeof item[field] === 'string') values.add(`${event.type}|${field}=${item[field] as string}`);
  return [...keys, ...values];
}

/** Counts the event on its day, dropping days older than any window reaches from the newest. */
export function recordActivity(history: ActivityHistory, event: JourneyEvent): ActivityHistory {
  if (isDerivedType(event.type)) return history;
  const day = dayOf(Date.parse(event.occurredAt));
  const next: Record<string, Record<string, number>> = { ...history };
  for (const key of keysOf(event)) {
    const days = { ...(next[key] ?? {}) };
    const newest = Math.max(day, ...Object.keys(days).map(Number));
    if (day <= newest - MAX_WINDOW_DAYS) continue;
    days[day] = (days[day] ?? 0) + 1;
    for (const old of Object.keys(days)) if (Number(old) <= newest - MAX_WINDOW_DAYS) delete days[old];
    next[key] = days;
  }
  return next;
}

/** The count of `key` over the `windowDays` UTC days ending with the day of `at` (today included). */
export function countInWindow(history: ActivityHistory, key: string, windowDays: number, at: number): number {
  const days = history[key];
  if (!days) return 0;
  const today = dayOf(at);
  let count = 0;
  for (const [day, n] of Object.entries(days)) {
    const d = Number(day);
    if (d <= today && d > today - windowDays) count += n;
  }
  return count;
}

/** The next instant after `at` at which a day of `key` with counts leaves or enters the window. */
export function nextWindowChange(history: ActivityHistory, key: string, windowDays: number, at: number): number | null {
  const days = history[key];
  if (!days) return null;
  let next: number | null = null;
  for (const day of Object.keys(days)) {
    const d = Number(day);
    // A day counts from its start (a future-dated event) until windowDays days later.
    for (const instant of [d * DAY_MS, (d + windowDays) * DAY_MS]) if (instant > at && (next === null || instant < next)) next = instant;
  }
  return next;
}
