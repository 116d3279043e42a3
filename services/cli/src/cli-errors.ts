import { ConfigError, RequestRejectedError } from '@journey/platform';

/** Why a generated event's id can be taken by another event. */
const MOVED_HINT =
  ' (seeded before with other options, or with another --until? Without --until the history ends at the start of today, UTC: give the --until the first run printed)';

/** The seeded population was refused by ingest: generated before with other options, or a generator bug. */
export class SeedRejectedError extends Error {
  readonly type = 'seed-rejected' as const;
  constructor(
    readonly eventId: string | undefined,
    readonly reasons: readonly string[],
  ) {
    super(`event ${eventId ?? '?'} was refused: ${reasons.join('; ')}${reasons.some((reason) => reason.includes('already used')) ? MOVED_HINT : ''}`);
    this.name = 'SeedRejectedError';
  }
}

/** Kafka is not configured for a command that needs it. */
export class KafkaNotConfiguredError extends Error {
  readonly type = 'kafka-not-configured' as const;
  constructor() {
    super('set KAFKA_BROKERS (e.g. localhost:9092)');
    this.name = 'KafkaNotConfiguredError';
  }
}

/** The engine `seed --via http` posts to answered other than 202 (after retrying its 503s). */
export class EngineRefusedError extends Error {
  readonly type = 'engine-refused' as const;
  constructor(
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${url} answered ${status}: ${body}`);
    this.name = 'EngineRefusedError';
  }
}

/** The failures the CLI's own use cases report on purpose. */
export type CliError = SeedRejectedError | KafkaNotConfiguredError | EngineRefusedError;

/** An option or argument the CLI refuses, named with the reason (as a 400 would name the field). */
export function usageError(field: string, reason: string): RequestRejectedError {
  return new RequestRejectedError(400, 'Invalid option', [{ field, reason }]);
}

/**
 * The one line the CLI prints for a failure. Expected failures (typed, with a literal `type`)
 * are shown as their message; anything else is shown with its class, as a failure of journey.
 */
export function failureLine(error: unknown): string {
  if (error instanceof ConfigError) return `invalid configuration: ${error.problems.join('; ')}`;
  if (isTyped(error)) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function isTyped(error: unknown): error is Error & { readonly type: string } {
  return error instanceof Error && typeof (error as { type?: unknown }).type === 'string';
}
