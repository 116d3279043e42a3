import { convertToCommandError, ErrorType, isCommandError } from '@kurrent/kurrentdb-client';
import { AppendRejectedError, StoreUnavailableError } from '../errors';

/** The server refused an append because a stream was not where the plan expected. */
export function isRevisionConflict(error: unknown): boolean {
  return typeOf(error) === ErrorType.WRONG_EXPECTED_VERSION || typeOf(error) === ErrorType.APPEND_CONSISTENCY_VIOLATION;
}

export function isStreamNotFound(error: unknown): boolean {
  return typeOf(error) === ErrorType.STREAM_NOT_FOUND;
}

/**
 * The store's own error for a client failure: unreachable or unknown outcome (503, a retry with
 * the same ids is safe), too large (the caller's data), or the server too old for multi-stream
 * appends (a deployment mistake, said plainly).
 */
export function storeErrorOf(error: unknown): Error {
  switch (typeOf(error)) {
    case ErrorType.UNAVAILABLE:
    case ErrorType.DEADLINE_EXCEEDED:
    case ErrorType.TIMEOUT:
    case ErrorType.CANCELLED:
    case ErrorType.NOT_LEADER:
      return new StoreUnavailableError(`KurrentDB is unavailable: ${messageOf(error)}`, { cause: error });
    case ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED:
    case ErrorType.TRANSACTION_MAX_SIZE_EXCEEDED:
    case ErrorType.APPEND_RECORD_SIZE_EXCEEDED:
    case ErrorType.INVALID_ARGUMENT:
      return new AppendRejectedError(`KurrentDB refused the append: ${messageOf(error)}`, { cause: error });
    case ErrorType.UNSUPPORTED:
      return new Error(`the KurrentDB adapter needs multi-stream appends, KurrentDB 25.1 or later: ${messageOf(error)}`, { cause: error });
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * The store's error for a failed multi-stream append. The server refuses a malformed append with
 * status INVALID_ARGUMENT, which the client reports as an UnknownError keeping that status code:
 * it is the caller's data, not the store's state (a retry would be refused again).
 */
export function appendErrorOf(error: unknown): Error {
  if (typeOf(error) === ErrorType.UNKNOWN && statusOf(error) === GRPC_INVALID_ARGUMENT) {
    return new AppendRejectedError(`KurrentDB refused the append as invalid: ${messageOf(error)}`, { cause: error });
  }
  return storeErrorOf(error);
}

/** gRPC's status code INVALID_ARGUMENT. */
const GRPC_INVALID_ARGUMENT = 3;

/** The client's error type; a raw gRPC failure (a multi-stream append that never connected) converted first. */
function typeOf(error: unknown): ErrorType | undefined {
  if (!(error instanceof Error)) return undefined;
  const converted = convertToCommandError(error);
  return isCommandError(converted) ? converted.type : undefined;
}

function statusOf(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const converted = convertToCommandError(error);
  return isCommandError(converted) ? converted.code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
