const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * Whether an error means "the database is not there (or went away mid-statement)" rather than
 * "the database refused this statement". Such writes have an unknown outcome.
 */
export function isUnavailable(error: unknown): boolean {
  // Duck-typed: errors of Node's own modules may come from another realm than our Error.
  if (error === null || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    // 08: connection exception; 57P01-57P03: shutdown, crash, cannot connect now; 53300: too many connections
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') return true;
  }
  return (
    typeof message === 'string' &&
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable|PGlite is closed/i.test(
      message,
    )
  );
}

/**
 * PostgreSQL gave up on the transaction as a whole (a serialization failure or a deadlock): the
 * work must run again in a new transaction, not again inside this one.
 */
export function isTransactionConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === '40001' || code === '40P01';
}

/** Errors after which running the same batch again may well succeed. */
export function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  // serialization failure, deadlock, unique violation from a concurrent writer, lock not available
  return code === '40001' || code === '40P01' || code === '23505' || code === '55P03';
}
