import { usageError } from './cli-errors';

/** An integer option of at least `min`, or a refusal naming the option. */
export function positive(name: string, raw: string, min = 1): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) throw usageError(name, `must be an integer of at least ${min}, got ${raw}`);
  return value;
}

/** One of the given words, or a refusal naming the option. */
export function oneOf<T extends string>(name: string, raw: string, words: readonly T[]): T {
  if (!(words as readonly string[]).includes(raw)) throw usageError(name, `must be ${words.join(' or ')}, not ${raw}`);
  return raw as T;
}
