import { Inject, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import { type Database } from '@journey/database';
import { ADMISSION, CLOCK, CONFIG, DATABASE, LOGGER, METRICS, type AdmissionGate, type Clock, type JourneyConfig, type Logger } from '@journey/platform';
import { AppendEventsHandler } from './append-events/append-events.handler';
import { IngestController } from './append-events/ingest.controller';
import { consumeMetrics } from './consume-events/consume-metrics';
import { DeadLetterStore } from './consume-events/dead-letter.store';
import { DeadLettersController } from './consume-events/dead-letters.controller';
import { KafkaIngestConsumer } from './consume-events/kafka-ingest.consumer';
import { ReadStreamController } from './read-stream/read-stream.controller';

/** Consumes the Kafka ingest topic when brokers are configured; stops before the store closes. */
class KafkaIngestLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: KafkaIngestConsumer | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: JourneyConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(METRICS) private readonly registry: Registry,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly deadLetters: DeadLetterStore,
    @Inject(ADMISSION) private readonly admission: AdmissionGate,
  ) {}

  onApplicationBootstrap(): void {
    const kafka = this.config.kafka;
    if (kafka.brokers.length === 0 || !kafka.ingest) return;
    this.consumer = new KafkaIngestConsumer(
      { brokers: kafka.brokers, topic: kafka.ingestTopic, groupId: kafka.groupId, deadLetterTopic: kafka.deadLetterTopic, admitted: () => this.admission.verdict.open },
      this.store,
      this.deadLetters,
      this.clock,
      this.logger,
      consumeMetrics(this.registry),
    );
    this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}

/** HTTP ingest of events, Kafka ingest with its dead letters, and the stream read-back. Needs the PlatformModule in the process. */
@Module({
  controllers: [IngestController, ReadStreamController, DeadLettersController],
  providers: [
    AppendEventsHandler,
    { provide: DeadLetterStore, inject: [DATABASE, CLOCK], useFactory: (db: Database, clock: Clock) => new DeadLetterStore(db, clock) },
    KafkaIngestLifecycle,
  ],
})
export class IngestModule {}
