import { Inject, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Registry } from 'prom-client';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import { type Database } from '@journey/database';
import { ADMISSION, CLOCK, CONFIG, DATABASE, LOGGER, METRICS, type AdmissionGate, type Clock, type JourneyConfig, type Logger } from '@journey/platform';
import { AppendEventsHandler } from './append-events/append-events.handler';
import { IngestController } from './append-events/ingest.controller';
import { ConsumeEventsHandler } from './consume-events/consume-events.handler';
import { consumeMetrics } from './consume-events/consume-metrics';
import { DeadLetterStore } from './consume-events/dead-letter.store';
import { KafkaIngestConsumer } from './consume-events/kafka-ingest.consumer';
import { DeadLettersController } from './consume-events/list-dead-letters/dead-letters.controller';
import { ListDeadLettersHandler } from './consume-events/list-dead-letters/list-dead-letters.handler';
import { ReadStreamController } from './read-stream/read-stream.controller';
import { ReadStreamHandler } from './read-stream/read-stream.handler';
import { TrackMessagesHandler } from './track-messages/track-messages.handler';
import { TRACK_MAPPING, TRACKING_METRICS } from './track-messages/track-messages.tokens';
import { trackingMetrics } from './track-messages/tracking-metrics';
import { trackMapping } from './track-messages/track-mapping';
import { TrackingController } from './track-messages/tracking.controller';

/** Consumes the Kafka ingest topic when brokers are configured; stops before the store closes. */
class KafkaIngestLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: KafkaIngestConsumer | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: JourneyConfig,
    @Inject(METRICS) private readonly registry: Registry,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly commands: CommandBus,
    @Inject(ADMISSION) private readonly admission: AdmissionGate,
  ) {}

  onApplicationBootstrap(): void {
    const kafka = this.config.kafka;
    if (kafka.brokers.length === 0 || !kafka.ingest) return;
    this.consumer = new KafkaIngestConsumer(
      { brokers: kafka.brokers, topic: kafka.ingestTopic, groupId: kafka.groupId, deadLetterTopic: kafka.deadLetterTopic, admitted: () => this.admission.verdict.open },
      this.commands,
      this.logger,
      consumeMetrics(this.registry),
    );
    this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}

/** HTTP ingest of events, the Segment-compatible tracking API, Kafka ingest with its dead letters, and the stream read-back. Needs the PlatformModule in the process. */
@Module({
  controllers: [IngestController, ReadStreamController, DeadLettersController, TrackingController],
  providers: [
    AppendEventsHandler,
    ReadStreamHandler,
    TrackMessagesHandler,
    { provide: TRACK_MAPPING, inject: [CONFIG], useFactory: (config: JourneyConfig) => trackMapping(config.trackEventMap) },
    { provide: TRACKING_METRICS, inject: [METRICS], useFactory: (registry: Registry) => trackingMetrics(registry) },
    ListDeadLettersHandler,
    { provide: DeadLetterStore, inject: [DATABASE, CLOCK], useFactory: (db: Database, clock: Clock) => new DeadLetterStore(db, clock) },
    {
      provide: ConsumeEventsHandler,
      inject: [EVENT_STORE, DeadLetterStore, CLOCK],
      useFactory: (store: EventStore, deadLetters: DeadLetterStore, clock: Clock) => new ConsumeEventsHandler(store, [deadLetters], clock),
    },
    KafkaIngestLifecycle,
  ],
})
export class IngestModule {}
