import { DATE_OR_INSTANT_REASON, parseInstant, RequestRejectedError, type FieldProblem } from '@journey/platform';
import type { Period } from './analytics';

const DAY = 86_400_000;
/** The last instant PostgreSQL and JavaScript both hold with a four-digit year. */
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * The period `from`–`to` as given, each bound defaulting to the last `days` days up to now. The
 * period starts at `from` and ends before `to`; a date as `to` includes that UTC day (the
 * period ends at the next midnight), as a segment's history and flows include their `to`.
 */
export function period(from: string | undefined, to: string | undefined, now: Date, days: number): Period {
  const errors: FieldProblem[] = [];
  const parse = (name: string, value: string | undefined, fallback: Date): Date => {
    if (value === undefined) return fallback;
    const parsed = typeof value === 'string' ? parseInstant(value, 'dates') : undefined;
    if (!parsed) errors.push({ field: name, reason: DATE_OR_INSTANT_REASON });
    return parsed ?? fallback;
  };
  const start = parse('from', from, new Date(now.getTime() - days * DAY));
  const end = parse('to', to, now);
  const range = { from: start.toISOString(), to: typeof to === 'string' && to.length === 10 ? new Date(Math.min(end.getTime() + DAY, LATEST)).toISOString() : end.toISOString() };
  if (errors.length === 0 && range.from >= range.to) errors.push({ field: 'from', reason: 'must be before to' });
  if (errors.length > 0) throw new RequestRejectedError(400, 'Invalid period', errors);
  return range;
}
