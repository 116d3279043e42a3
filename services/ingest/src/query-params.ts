import { RequestRejectedError } from '@journey/platform';

/** A query parameter that must be an integer of at least `min` (1 unless told), `fallback` when absent. */
export function positiveInteger(field: string, raw: string | undefined, fallback: number, min: 0 | 1 = 1): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new RequestRejectedError(400, 'Invalid query', [{ field, reason: min === 1 ? 'must be a positive integer' : 'must be a non-negative integer' }]);
  }
  return Number(raw);
}
