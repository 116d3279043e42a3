import { isDerivedType, type JourneyEvent } from '@journey/contracts';
import { HISTORY_KEYS, MAX_WINDOW_DAYS } from './segment';

/**
 * A compact event history per customer: per key (an event type, or a type with one of its values:
 * `PurchaseCompleted|category=shoes`) the days with events and their counts, as one flat list
 * `[day, count, day, count, …]` in day order (days since the epoch, UTC). Only the days an
 * event-history condition can still look at are kept; a window is counted from the newest end.
 */
export type ActivityHistory = Readonly<Record<string, readonly number[]>>;

export const DAY_MS = 86_400_000;

export function dayOf(at: number): number {
  return Math.floor(at / DAY_MS);
}

export function historyKey(type: string, where?: Readonly<Record<string, string>>): string {
  if (!where) return type;
  let key = keys.get(where);
  if (key === undefined) {
    key = keyOf(type, where);
    keys.set(where, key);
  }
  return key;
}

/** Keys of the `where` objects of parsed conditions (they are judged on every event). */
const keys = new WeakMap<object, string>();

function keyOf(type: string, where?: Readonly<Record<string, string>>): string {
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

/**
 * Counts the event on its day, dropping days older than any window reaches from the newest, and
 * the keys whose newest day no window reaches from this event's (a category last bought over a
 * year ago): the history stays as large as the windows, however long the customer has been one.
 */
export function recordActivity(history: ActivityHistory, event: JourneyEvent): ActivityHistory {
  if (isDerivedType(event.type)) return history;
  const day = dayOf(Date.parse(event.occurredAt));
  let next: Record<string, readonly number[]> | undefined;
  for (const key of keysOf(event)) {
    const days = counted(history[key] ?? [], day);
    if (days === undefined) continue;
    next ??= withoutStaleKeys(history, day);
    next[key] = days;
  }
  return next ?? history;
}

/** A copy of the history without the keys none of whose days a window can reach from `day` (a day more, for clock skew). */
function withoutStaleKeys(history: ActivityHistory, day: number): Record<string, readonly number[]> {
  const kept: Record<string, readonly number[]> = {};
  for (const key in history) {
    const days = history[key]!;
    if (days.length >= 2 && days[days.length - 2]! > day - MAX_WINDOW_DAYS - 1) kept[key] = days;
  }
  return kept;
}

function counted(days: readonly number[], day: number): number[] | undefined {
  const last = days.length - 2;
  const newest = last >= 0 && days[last]! > day ? days[last]! : day;
  if (day <= newest - MAX_WINDOW_DAYS) return undefined;
  let next: number[];
  if (last >= 0 && days[last] === day) {
    next = days.slice();
    next[last + 1] = next[last + 1]! + 1;
  } else if (last < 0 || days[last]! < day) {
    next = [...days, day, 1];
  } else {
    // An event older than the newest day: its day is found (or made) in order.
    next = [];
    let placed = false;
    for (let i = 0; i < days.length; i += 2) {
      if (!placed && days[i]! >= day) {
        if (days[i] === day) next.push(day, days[i + 1]! + 1);
        else next.push(day, 1, days[i]!, days[i + 1]!);
        placed = true;
      } else next.push(days[i]!, days[i + 1]!);
    }
  }
  let drop = 0;
  while (drop < next.length && next[drop]! <= newest - MAX_WINDOW_DAYS) drop += 2;
  return drop > 0 ? next.slice(drop) : next;
}

/** The count of `key` over the `windowDays` UTC days ending with the day of `at` (today included). */
export function countInWindow(history: ActivityHistory, key: string, windowDays: number, at: number): number {
  const days = history[key];
  if (!days) return 0;
  const today = dayOf(at);
  let count = 0;
  for (let i = days.length - 2; i >= 0; i -= 2) {
    const d = days[i]!;
    if (d > today) continue;
    if (d <= today - windowDays) break;
    count += days[i + 1]!;
  }
  return count;
}

/** The next instant after `at` at which a day of `key` with counts enters or leaves the window. */
export function nextWindowChange(history: ActivityHistory, key: string, windowDays: number, at: number): number | null {
  const days = history[key];
  if (!days) return null;
  let next: number | null = null;
  // A day counts from its start (a future-dated event) until windowDays days later; newest first,
  // until a day has left the window before `at` (every older one left earlier still).
  for (let i = days.length - 2; i >= 0; i -= 2) {
    const d = days[i]!;
    const leaves = (d + windowDays) * DAY_MS;
    if (leaves <= at) break;
    if (next === null || leaves < next) next = leaves;
    const starts = d * DAY_MS;
    if (starts > at && starts < next) next = starts;
  }
  return next;
}
