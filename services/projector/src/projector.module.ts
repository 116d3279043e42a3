import { Inject, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_STORE, type Database, type PostgresEventStore } from '@journey/event-store';
import { CLOCK, CONFIG, DATABASE, LOGGER, METRICS, projectionMetrics, type Clock, type JourneyConfig, type Logger } from '@journey/platform';
import { Projector } from '@journey/projections';
import type { Registry } from 'prom-client';

/** Starts the projector with the application and stops it before the store closes. */
class ProjectorLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly projector: Projector,
    @Inject(CONFIG) private readonly config: JourneyConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.projector) this.projector.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.projector.stop();
  }
}

/** The customer projection, its lifecycle clock and its RFM schedule, in this process. */
@Module({
  providers: [
    {
      provide: Projector,
      inject: [DATABASE, EVENT_STORE, CONFIG, CLOCK, LOGGER, METRICS],
      useFactory: (db: Database, store: PostgresEventStore, config: JourneyConfig, clock: Clock, logger: Logger, registry: Registry) => {
        let observe: ((delays: readonly number[]) => void) | undefined;
        const projector = new Projector(db, store, config.projections, clock, { logger, onProjected: (delays) => observe?.(delays) });
        if (config.projector) observe = projectionMetrics(registry, () => projector.lag());
        return projector;
      },
    },
    ProjectorLifecycle,
  ],
  exports: [Projector],
})
export class ProjectorModule {}
