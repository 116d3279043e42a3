import { AppendRejectedError, StoreUnavailableError } from '../errors';
import { appendErrorOf } from './kurrent-errors';

/** A failed call as gRPC hands it to the client, before the client converts it. */
function grpcError(code: number, details: string): Error {
  const metadata = { get: () => [], getMap: () => ({}) };
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata });
}

describe('the store error of a failed KurrentDB append', () => {
  it('is AppendRejectedError when the server refuses the append as invalid (INVALID_ARGUMENT, which the client reports as unknown)', () => {
    const error = appendErrorOf(grpcError(3, 'Record schema name cannot be empty'));
    expect(error).toBeInstanceOf(AppendRejectedError);
    expect(error.message).toContain('Record schema name cannot be empty');
  });

  it('is StoreUnavailableError when the outcome is unknown or the server unreachable', () => {
    expect(appendErrorOf(grpcError(14, 'No connection established'))).toBeInstanceOf(StoreUnavailableError);
    expect(appendErrorOf(grpcError(4, 'Deadline exceeded'))).toBeInstanceOf(StoreUnavailableError);
  });

  it('passes on any other failure as it came, not blaming the caller', () => {
    const error = appendErrorOf(grpcError(12, 'Method not found'));
    expect(error).not.toBeInstanceOf(AppendRejectedError);
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
  });
});
