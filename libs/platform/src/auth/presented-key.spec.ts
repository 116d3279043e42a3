import { presentedKey } from './presented-key';

const basic = (credentials: string): string => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('the key a request presents', () => {
  it('reads a Bearer key', () => {
    expect(presentedKey('Bearer abc123')).toBe('abc123');
    expect(presentedKey('bearer abc123 ')).toBe('abc123');
  });

  it('reads a Segment write key sent as the Basic user name with an empty password', () => {
    expect(presentedKey(basic('write-key-1:'))).toBe('write-key-1');
    expect(presentedKey(basic('write-key-1'))).toBe('write-key-1');
  });

  it('refuses Basic credentials with a password, an empty user, or no credentials at all', () => {
    expect(presentedKey(basic('user:secret'))).toBeUndefined();
    expect(presentedKey(basic(':'))).toBeUndefined();
    expect(presentedKey('Basic !!!')).toBeUndefined();
    expect(presentedKey(undefined)).toBeUndefined();
    expect(presentedKey(['Bearer a', 'Bearer b'])).toBeUndefined();
  });
});
