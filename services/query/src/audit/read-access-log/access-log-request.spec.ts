import { RequestRejectedError } from '@journey/platform';
import { accessLogFilter } from './access-log-request';

function fieldsRejected(query: Record<string, unknown>): string[] {
  try {
    accessLogFilter(query);
  } catch (error) {
    if (error instanceof RequestRejectedError && error.status === 400) return error.errors.map((e) => e.field);
    throw error;
  }
  throw new Error('was not rejected');
}

describe('the access-log filter of a query string', () => {
  it('defaults to the first page of 100', () => {
    expect(accessLogFilter({})).toEqual({ keyId: undefined, from: undefined, to: undefined, after: 0, limit: 100 });
  });

  it('takes a key, a period (dates or instants, in UTC), a cursor and a page size', () => {
    expect(accessLogFilter({ keyId: 'k-1', from: '2026-01-01', to: '2026-02-01T01:00:00+01:00', after: '41', limit: '10' })).toEqual({
      keyId: 'k-1',
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-02-01T00:00:00.000Z',
      after: 41,
      limit: 10,
    });
  });

  it('names every bad parameter at once: repeated, not an instant, not an integer in range', () => {
    expect(fieldsRejected({ keyId: ['a', 'b'], from: 'soon', after: '-1', limit: '1001' })).toEqual(['keyId', 'from', 'after', 'limit']);
  });
});
