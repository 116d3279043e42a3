import type { ExpectedVersion } from './event-store.port';

/** Every failure the event store reports on purpose; `type` makes the union switchable. */
export type EventStoreError = ConcurrencyError | StoreUnavailableError | AppendRejectedError;

/** The stream was not at the version the caller expected (HTTP 409). */
export class ConcurrencyError extends Error {
  readonly type = 'concurrency' as const;
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${streamId} is at version ${actual}, expected ${String(expected)}`);
    this.name = 'ConcurrencyError';
  }
}

/**
 * The database could not be reached, or the outcome of a write is unknown (HTTP 503). Nothing
 * is acknowledged; retrying with the same event ids is safe.
 */
export class StoreUnavailableError extends Error {
  readonly type = 'unavailable' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** PostgreSQL refused this caller's events (bad data that validation let through). */
export class AppendRejectedError extends Error {
  readonly type = 'rejected' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppendRejectedError';
  }
}
