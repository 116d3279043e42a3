import { REDACTED, withoutPersonalSegments, withoutPersonalValues } from './personal-filters';

describe('filters as the access log keeps them', () => {
  it('redacts the value of every filter named as a personal field, in any case, and keeps the others as sent', () => {
    expect(withoutPersonalValues({ email: 'ada@example.org', city: 'Little Snoring', Phone: '+441234', name: 'Ada', stage: 'repeat', country: 'GB', limit: '50' })).toEqual({
      email: REDACTED,
      city: REDACTED,
      Phone: REDACTED,
      name: REDACTED,
      stage: 'repeat',
      country: 'GB',
      limit: '50',
    });
  });

  it('redacts a repeated parameter as a whole', () => {
    expect(withoutPersonalValues({ email: ['a@example.org', 'b@example.org'] })).toEqual({ email: REDACTED });
  });

  it('redacts a path segment that reads as an e-mail address, encoded or not, and leaves other paths as they are', () => {
    expect(withoutPersonalSegments('/v1/customers/ada%40example.org')).toBe(`/v1/customers/${REDACTED}`);
    expect(withoutPersonalSegments('/v1/customers/ada@example.org/export')).toBe(`/v1/customers/${REDACTED}/export`);
    expect(withoutPersonalSegments('/v1/customers/c-42/timeline')).toBe('/v1/customers/c-42/timeline');
  });
});
