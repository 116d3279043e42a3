import type { ThrottlerStorage } from '@nestjs/throttler';

/** How often keys whose requests have all left their window are forgotten. */
const SWEEP_MS = 60_000;

/** The throttler's record of a request (@nestjs/throttler's ThrottlerStorageRecord). */
export interface WindowRecord {
  readonly totalHits: number;
  /** Seconds until the oldest request counted leaves the window. */
  readonly timeToExpire: number;
  readonly isBlocked: boolean;
  /** Seconds until a blocked key may ask again (0 when not blocked). */
  readonly timeToBlockExpire: number;
}

/**
 * One key's requests within its window, oldest first. Instants only grow, so the ones that left
 * the window are always at the front and leave one at a time.
 */
class Window {
  private hits: number[] = [];
  private head = 0;
  blockedUntil = 0;

  constructor(public ttlMs: number) {}

  get count(): number {
    return this.hits.length - this.head;
  }

  get newest(): number {
    return this.count > 0 ? this.hits[this.hits.length - 1]! : Number.NEGATIVE_INFINITY;
  }

  get oldest(): number {
    return this.count > 0 ? this.hits[this.head]! : Number.NEGATIVE_INFINITY;
  }

  add(now: number): void {
    this.hits.push(now);
  }

  /** Drops the requests made `ttlMs` or longer before `now`. */
  expire(now: number): void {
    while (this.head < this.hits.length && this.hits[this.head]! + this.ttlMs <= now) this.head++;
    // Reclaim the front once it is most of the array: each request is copied at most once more.
    if (this.head > 32 && this.head * 2 > this.hits.length) {
      this.hits = this.hits.slice(this.head);
      this.head = 0;
    }
  }

  clear(): void {
    this.hits = [];
    this.head = 0;
  }
}

/**
 * The per-key rate limits' counts (a ThrottlerStorage for @nestjs/throttler): at most `limit`
 * requests in any `ttl` milliseconds, each request counted until it is `ttl` old. A request
 * past the limit blocks the key for `blockDuration` (nothing is counted meanwhile; then it starts
 * afresh), as the throttler's own storage does. A request costs the same whatever the limit
 * (amortised: each instant is added once and dropped once), where the throttler's own storage
 * filters every instant of the window on every request, so that a key near a limit of 20,000 a
 * second cost more to count than to serve. Memory: at most limit + 1 instants per key, and keys
 * idle for a whole window are forgotten.
 */
export class SlidingWindowCounts implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<WindowRecord> {
    return Promise.resolve(this.count(key, ttl, limit, blockDuration));
  }

  /** `increment`, synchronously. */
  count(key: string, ttlMs: number, limit: number, blockDurationMs: number): WindowRecord {
    this.sweepLater();
    const now = this.now();
    let window = this.windows.get(key);
    if (!window) {
      window = new Window(ttlMs);
      this.windows.set(key, window);
    }
    window.ttlMs = ttlMs;
    if (window.blockedUntil > now) return this.record(window, now);
    if (window.blockedUntil > 0) {
      window.blockedUntil = 0;
      window.clear();
    }
    window.expire(now);
    if (blockDurationMs <= 0) {
      // Refused requests are not counted: the key may ask again as soon as its oldest request leaves the window.
      if (window.count >= limit) return { ...this.record(window, now), totalHits: window.count + 1, isBlocked: true, timeToBlockExpire: seconds(window.oldest + ttlMs - now) };
      window.add(now);
      return this.record(window, now);
    }
    window.add(now);
    if (window.count > limit) window.blockedUntil = now + blockDurationMs;
    return this.record(window, now);
  }

  /** Keys counted now (idle ones are forgotten once a minute). */
  get size(): number {
    return this.windows.size;
  }

  /** Forgets the keys whose requests have all left their window and that are not blocked. */
  sweep(): void {
    const now = this.now();
    for (const [key, window] of this.windows) {
      if (window.blockedUntil <= now && window.newest + window.ttlMs <= now) this.windows.delete(key);
    }
  }

  private record(window: Window, now: number): WindowRecord {
    const blocked = window.blockedUntil > now;
    return {
      totalHits: window.count,
      timeToExpire: window.count > 0 ? seconds(window.oldest + window.ttlMs - now) : 0,
      isBlocked: blocked,
      timeToBlockExpire: blocked ? seconds(window.blockedUntil - now) : 0,
    };
  }

  private sweepLater(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }
}

/** Whole seconds, rounded up, as Retry-After and the rate-limit headers give them. */
function seconds(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}
