import { DATE_OR_INSTANT_REASON, parseInstant, RequestRejectedError, type FieldProblem } from '@journey/platform';
import type { Period } from './analytics';

const DAY = 86_400_000;

/** The period `from`–`to` as given, each bound defaulting to the last `days` days up to now. */
export function period(from: string | undefined, to: string | undefined, now: Date, days: number): Period {
  const errors: FieldProblem[] = [];
  const parse = (name: string, value: string | undefined, fallback: Date): string => {
    if (value === undefined) return fallback.toISOString();
    const parsed = typeof value === 'string' ? parseInstant(value, 'dates') : undefined;
    if (!parsed) {
      errors.push({ field: name, reason: DATE_OR_INSTANT_REASON });
      return fallback.toISOString();
    }
    return parsed.toISOString();
  };
  const range = { from: parse('from', from, new Date(now.getTime() - days * DAY)), to: parse('to', to, now) };
  if (errors.length === 0 && range.from >= range.to) errors.push({ field: 'from', reason: 'must be before to' });
  if (errors.length > 0) throw new RequestRejectedError(400, 'Invalid period', errors);
  return range;
}
