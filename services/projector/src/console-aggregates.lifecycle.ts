import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Database, Queryable } from '@journey/database';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import { CONFIG, DATABASE, LOGGER, type JourneyConfig, type Logger } from '@journey/platform';
import { compactCustomerCounts, WEEKLY_SUBSCRIPTION, WeeklyAggregates } from '@journey/projections';

/** How often the appended customer-count changes are folded together. */
const COMPACT_EVERY_MS = 60_000;

/**
 * The small aggregates the console's overview reads, kept with the projector: the weekly
 * aggregates' subscription, and the compaction of journey.customer_counts. Both stop before the
 * store closes.
 */
@Injectable()
export class ConsoleAggregatesLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly weekly: WeeklyAggregates;
  private timer: NodeJS.Timeout | undefined;
  private compacting: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(EVENT_STORE) store: EventStore<Queryable>,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CONFIG) private readonly config: JourneyConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    // One process of those side by side reads the log for the aggregates: the holder of this one-partition lease.
    const lease = store.partitionLeases(WEEKLY_SUBSCRIPTION, {
      count: 1,
      leaseMs: config.partitions.leaseMs,
      onError: (error) => logger.warn({ err: error }, 'renewing the weekly aggregates’ lease failed; trying again'),
    });
    this.weekly = new WeeklyAggregates(store, (error) => logger.error({ err: error }, 'weekly aggregates batch failed; retrying'), lease);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.projector) return;
    await this.weekly.start();
    this.timer = setInterval(() => {
      this.compacting = compactCustomerCounts(this.db).catch((error: unknown) => this.logger.warn({ err: error }, 'folding the customer counts failed; trying again later'));
    }, COMPACT_EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.compacting;
    await this.weekly.stop();
  }
}
