import type { Queryable } from '@journey/database';
import { consumerLags, type ConsumerLag } from '@journey/event-store';

/**
 * The lag of every named consumer, read at most once per `maxAgeMs`: a scrape, a health probe
 * and the admission gate within that time share one query. A failed read is not kept.
 */
export class LagMonitor {
  private cached: { readonly at: number; readonly lags: Promise<readonly ConsumerLag[]> } | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly maxAgeMs = 1000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  lags(): Promise<readonly ConsumerLag[]> {
    const now = this.now();
    if (this.cached && now - this.cached.at < this.maxAgeMs) return this.cached.lags;
    const lags = consumerLags(this.db);
    const entry = { at: now, lags };
    this.cached = entry;
    lags.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return lags;
  }
}
