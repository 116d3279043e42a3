import { StoreUnavailableError } from '@journey/event-store';
import { toProblem } from './problem';

/** What node-postgres raises when the server ends a session or cannot be reached. */
function pgError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}

describe('errors as problems', () => {
  it.each([
    ['a connection terminated mid-statement', pgError('Connection terminated unexpectedly')],
    ['a server shutting down', pgError('terminating connection due to administrator command', '57P01')],
    ['a refused connection', pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a server starting up', pgError('the database system is starting up', '57P03')],
    ['a pool that could not connect in time', pgError('timeout exceeded when trying to connect')],
    ['the store saying so', new StoreUnavailableError('the database is unavailable')],
  ])('answers 503 with Retry-After to %s, never 500', (_, error) => {
    const { problem, headers, internal } = toProblem(error);
    expect(problem.status).toBe(503);
    expect(problem.type).toBe('urn:journey:problem:unavailable');
    expect(headers['retry-after']).toBeDefined();
    expect(internal).toBe(false);
  });

  it('does not promise that nothing was committed, and says a retry with the same ids is safe', () => {
    const { problem } = toProblem(new StoreUnavailableError('the database is unavailable'));
    expect(problem.detail).not.toMatch(/nothing was committed/i);
    expect(problem.detail).toMatch(/may or may not have been committed/);
    expect(problem.detail).toMatch(/same event ids is safe/);
  });

  it('still answers 500 to a statement the database refused', () => {
    const { problem, internal } = toProblem(pgError('syntax error at or near "SELEC"', '42601'));
    expect(problem.status).toBe(500);
    expect(internal).toBe(true);
  });
});
