import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queryable } from '@journey/database';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import { CONFIG, LOGGER, type JourneyConfig, type Logger } from '@journey/platform';
import { WeeklyAggregates } from '@journey/projections';

/** Runs the weekly aggregates with the projector, and stops them before the store closes. */
@Injectable()
export class WeeklyAggregatesLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly aggregates: WeeklyAggregates;

  constructor(
    @Inject(EVENT_STORE) store: EventStore<Queryable>,
    @Inject(CONFIG) private readonly config: JourneyConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.aggregates = new WeeklyAggregates(store, (error) => logger.error({ err: error }, 'weekly aggregates batch failed; retrying'));
  }

  onApplicationBootstrap(): void {
    if (this.config.projector) this.aggregates.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.aggregates.stop();
  }
}
