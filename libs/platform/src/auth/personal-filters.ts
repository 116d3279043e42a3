import { EVENT_CATALOGUE, piiFieldsOfType } from '@journey/contracts';

/** What a personal filter value reads as in the access log. */
export const REDACTED = '[redacted]';

/** Every field name the contracts mark as personal data (email, name, phone, city, …), lower case. */
const PERSONAL: ReadonlySet<string> = new Set(Object.keys(EVENT_CATALOGUE).flatMap((type) => piiFieldsOfType(type).map((field) => field.toLowerCase())));

/**
 * The request's filters with the value of each personal one (a parameter named as a field the
 * contracts mark PII, in any case) redacted. The access log is append-only: a value stored there
 * would outlive the customer's erasure, so it is never stored.
 */
export function withoutPersonalValues(filters: Readonly<Record<string, unknown>>): Record<string, unknown> {
  let redacted: Record<string, unknown> | undefined;
  for (const name of Object.keys(filters)) {
    if (PERSONAL.has(name.toLowerCase())) (redacted ??= { ...filters })[name] = REDACTED;
  }
  return redacted ?? { ...filters };
}

/**
 * The request's path with each segment that reads as an e-mail address (holds an `@`, encoded or
 * not) redacted: a customer id may be one (Segment userIds often are), and a search by e-mail that
 * is tried as an id must not leave the address in the append-only log either.
 */
export function withoutPersonalSegments(path: string): string {
  if (!path.includes('@') && !/%40/i.test(path)) return path;
  return path
    .split('/')
    .map((segment) => (segment.includes('@') || /%40/i.test(segment) ? REDACTED : segment))
    .join('/');
}
