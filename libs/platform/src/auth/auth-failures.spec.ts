import { AuthFailureLimiter } from './auth-failures';

describe('AuthFailureLimiter', () => {
  it('refuses an address past its failures of a window until the window ends', () => {
    const limiter = new AuthFailureLimiter(3, 1000);
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterMs('10.0.0.1', 100)).toBe(0);
      limiter.fail('10.0.0.1', 100);
    }
    expect(limiter.retryAfterMs('10.0.0.1', 400)).toBe(700);
    expect(limiter.retryAfterMs('10.0.0.1', 1100)).toBe(0);
  });

  it('counts each address on its own', () => {
    const limiter = new AuthFailureLimiter(1, 1000);
    limiter.fail('10.0.0.1', 0);
    expect(limiter.retryAfterMs('10.0.0.1', 1)).toBeGreaterThan(0);
    expect(limiter.retryAfterMs('10.0.0.2', 1)).toBe(0);
  });

  it('starts a new window once the last one has ended', () => {
    const limiter = new AuthFailureLimiter(2, 1000);
    limiter.fail('a', 0);
    limiter.fail('a', 1500);
    expect(limiter.retryAfterMs('a', 1600)).toBe(0);
    limiter.fail('a', 1600);
    expect(limiter.retryAfterMs('a', 1700)).toBe(800);
  });
});
