import { RequestRejectedError } from './problem';

/** A query parameter that must be an integer of at least `min` (1 unless told), `fallback` when absent. */
export function positiveInteger(field: string, raw: string | undefined, fallback: number, min: 0 | 1 = 1): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new RequestRejectedError(400, 'Invalid query', [{ field, reason: min === 1 ? 'must be a positive integer' : 'must be a non-negative integer' }]);
  }
  return Number(raw);
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
/** The instants PostgreSQL's timestamptz and JavaScript's Date both hold, written with four-digit years. */
const EARLIEST = Date.parse('0001-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

export const INSTANT_REASON = 'must be an ISO 8601 instant with an offset and a year from 0001 to 9999, e.g. 2026-03-01T12:00:00Z';
export const DATE_OR_INSTANT_REASON = 'must be an ISO 8601 date or instant with an offset and a year from 0001 to 9999, e.g. 2026-01-31 or 2026-01-31T12:00:00Z';

/**
 * An instant as a query may give it: `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)`, or a bare date
 * (midnight UTC) when `dates` allows it. Undefined when it is not one, names a day the
 * calendar has not (02-30), or lies outside years 0001–9999, which PostgreSQL may not hold.
 */
export function parseInstant(raw: string, dates: 'dates' | 'instants' = 'instants'): Date | undefined {
  const match = INSTANT.exec(raw);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, offset] = match;
  if (hour === undefined && dates !== 'dates') return undefined;
  if (!validDay(Number(year), Number(month), Number(day))) return undefined;
  if (hour !== undefined && (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59)) return undefined;
  if (offset !== undefined && offset !== 'Z' && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4, 6)) > 59)) return undefined;
  const at = new Date(raw.length === 10 ? `${raw}T00:00:00Z` : raw);
  const time = at.getTime();
  if (Number.isNaN(time) || time < EARLIEST || time > LATEST) return undefined;
  return at;
}

function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12) return false;
  const days = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day >= 1 && day <= days[month - 1]!;
}
