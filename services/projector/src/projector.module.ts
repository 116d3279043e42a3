import { Inject, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import { KafkaLogPublisher, LogRelay } from '@journey/kafka';
import { type Database, type Queryable } from '@journey/database';
import { CLOCK, CONFIG, DATABASE, LOGGER, METRICS, PARTITIONS, projectionMetrics, type PartitionRegistry, type Clock, type JourneyConfig, type Logger } from '@journey/platform';
import { kafkaClient } from '@journey/kafka';
import { CUSTOMER_ITEMS_PROJECTION, CUSTOMER_PROJECTION, Projector } from '@journey/projections';
import { ruleCatalog, ruleChecks, RulesDecider, sagaSettings } from '@journey/journeys';
import { Counter, type Registry } from 'prom-client';
import { LatestFitHandler } from './predictions/latest-fit/latest-fit.handler';
import { PredictionsController } from './predictions/predictions.controller';
import { RunPredictionsHandler } from './predictions/run-predictions/run-predictions.handler';
import { ConsoleAggregatesLifecycle } from './console-aggregates.lifecycle';
import { RebuildProjectionHandler } from './rebuild-projection/rebuild-projection.handler';
import { RunRfmHandler } from './run-rfm/run-rfm.handler';

export const RELAY_CHECKPOINT = 'relay:kafka';

/** Relays the log to the integration topic when JOURNEY_KAFKA_RELAY=on; stops before the store closes. */
class RelayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private relay: LogRelay | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: JourneyConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore<Queryable>,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(METRICS) private readonly registry: Registry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const kafka = this.config.kafka;
    if (!kafka.relay || kafka.brokers.length === 0) return;
    const relayed = new Counter({ name: 'journey_kafka_relay_events_total', help: 'Events of the log published to the integration topic', registers: [this.registry] });
    this.relay = new LogRelay(this.store, this.db, new KafkaLogPublisher(kafkaClient(kafka.brokers, 'journey-relay', this.logger), kafka.relayTopic), {
      name: RELAY_CHECKPOINT,
      types: kafka.relayTypes,
      onError: (error) => this.logger.warn({ err: error }, 'relaying the log to Kafka failed; trying again'),
      onPublished: (messages) => relayed.inc(messages),
    });
    this.relay.start();
    this.logger.info({ topic: kafka.relayTopic }, 'relaying the log to Kafka');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
  }
}

/**
 * Starts the customer pass with the application and stops it before the store closes. When it
 * judges rules, the rules file (JOURNEY_RULES_FILE) is saved first, so that the events already
 * in the log are judged by the rules the process was started with.
 */
class ProjectorLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly projector: Projector,
    @Inject(CONFIG) private readonly config: JourneyConfig,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.projector) return;
    const file = this.config.journeys.rulesFile;
    if (this.config.saga && file) {
      const catalog = ruleCatalog(this.db);
      if ((await catalog.rules.loadFile(file, ruleChecks(this.config))).some((rule) => rule.changed)) await catalog.changed();
    }
    await this.projector.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.projector.stop();
  }
}

/**
 * The customer pass (the 360 folded, and the rules judged on the state each event left unless
 * JOURNEY_SAGA=off), its lifecycle clock and its RFM schedule, and the log relay to Kafka, in
 * this process.
 */
@Module({
  controllers: [PredictionsController],
  providers: [
    RunPredictionsHandler,
    LatestFitHandler,
    {
      provide: Projector,
      inject: [DATABASE, EVENT_STORE, CONFIG, CLOCK, LOGGER, METRICS, PARTITIONS],
      useFactory: (db: Database, store: EventStore<Queryable>, config: JourneyConfig, clock: Clock, logger: Logger, registry: Registry, held: PartitionRegistry) => {
        let observe: ((delays: readonly number[]) => void) | undefined;
        const partitions = store.partitionLeases(CUSTOMER_PROJECTION, {
          ...config.partitions,
          onError: (error) => logger.warn({ err: error }, 'renewing the customer projection’s partition leases failed; trying again'),
        });
        if (config.projector) held.register(partitions);
        const itemsLease = store.partitionLeases(CUSTOMER_ITEMS_PROJECTION, {
          count: 1,
          leaseMs: config.partitions.leaseMs,
          onError: (error) => logger.warn({ err: error }, 'renewing the customer items reader’s lease failed; trying again'),
        });
        const deciders = config.saga ? [new RulesDecider(ruleCatalog(db), sagaSettings(config), clock)] : [];
        const projector = new Projector(db, store, config.projections, clock, { logger, deciders, onProjected: (delays) => observe?.(delays), partitions, itemsLease });
        if (config.projector) observe = projectionMetrics(registry);
        return projector;
      },
    },
    ProjectorLifecycle,
    RelayLifecycle,
    ConsoleAggregatesLifecycle,
    RebuildProjectionHandler,
    RunRfmHandler,
  ],
  exports: [Projector],
})
export class ProjectorModule {}
