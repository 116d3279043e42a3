import { DATE_OR_INSTANT_REASON, parseInstant, RequestRejectedError, type AccessQuery, type FieldProblem } from '@journey/platform';

/** The access-log filter of a request's query string, or a 400 naming every bad parameter. */
export function accessLogFilter(query: Record<string, unknown>): AccessQuery & { readonly limit: number } {
  const errors: FieldProblem[] = [];
  const text = (name: string): string | undefined => {
    const value = query[name];
    if (value !== undefined && typeof value !== 'string') errors.push({ field: name, reason: 'must be given once' });
    return typeof value === 'string' ? value : undefined;
  };
  const instant = (name: string): string | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    const parsed = parseInstant(value, 'dates');
    if (!parsed) errors.push({ field: name, reason: DATE_OR_INSTANT_REASON });
    return parsed?.toISOString();
  };
  const number = (name: string, fallback: number, max: number): number => {
    const value = text(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n > max) errors.push({ field: name, reason: `must be an integer from 0 to ${max}` });
    return n;
  };
  const filter = { keyId: text('keyId'), from: instant('from'), to: instant('to'), after: number('after', 0, Number.MAX_SAFE_INTEGER), limit: number('limit', 100, 1000) || 100 };
  if (errors.length > 0) throw new RequestRejectedError(400, 'Invalid query', errors);
  return filter;
}
