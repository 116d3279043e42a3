import { RequestRejectedError } from '@journey/platform';
import { forgetReason } from './forget-request';

function rejected(body: unknown): { field: string; reason: string } | undefined {
  try {
    forgetReason(body);
    return undefined;
  } catch (error) {
    if (error instanceof RequestRejectedError && error.status === 400) return { ...error.errors[0]! };
    throw error;
  }
}

describe('the body of a forget request', () => {
  it('may be absent or empty', () => {
    expect(forgetReason(undefined)).toBeUndefined();
    expect(forgetReason(null)).toBeUndefined();
    expect(forgetReason({})).toBeUndefined();
  });

  it('carries an optional reason of 1 to 200 characters', () => {
    expect(forgetReason({ reason: 'asked by e-mail' })).toBe('asked by e-mail');
    expect(rejected({ reason: '' })).toEqual({ field: 'reason', reason: 'must be a text of 1 to 200 characters' });
    expect(rejected({ reason: 'x'.repeat(201) })).toEqual({ field: 'reason', reason: 'must be a text of 1 to 200 characters' });
    expect(rejected({ reason: 7 })).toEqual({ field: 'reason', reason: 'must be a text of 1 to 200 characters' });
  });

  it('names a field it does not know', () => {
    expect(rejected({ reason: 'ok', why: 'no' })).toEqual({ field: 'why', reason: 'is not a known field' });
  });
});
