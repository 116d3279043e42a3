import { LruMap } from './lru-map';

/** Client addresses remembered at once; beyond it the least recently seen is forgotten. */
const ADDRESSES = 10_000;

/**
 * Failed authentications per client address, in fixed windows: past `limit` in a window, the
 * address is refused until the window ends, before any key is looked up. Memory is bounded by
 * ADDRESSES, whatever the number of addresses a flood comes from.
 */
export class AuthFailureLimiter {
  private readonly windows = new LruMap<string, { start: number; failures: number }>(ADDRESSES);

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** How long the address must wait before it may try again; 0 when it may now. */
  retryAfterMs(address: string, now: number): number {
    const window = this.windows.get(address);
    if (!window || now >= window.start + this.windowMs || window.failures < this.limit) return 0;
    return window.start + this.windowMs - now;
  }

  fail(address: string, now: number): void {
    const window = this.windows.get(address);
    if (!window || now >= window.start + this.windowMs) this.windows.set(address, { start: now, failures: 1 });
    else window.failures += 1;
  }
}
