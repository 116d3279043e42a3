import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { Pause, StoreUnavailableError } from '@journey/event-store';
import { LazyKafkaProducer } from '@journey/kafka';
import { type Logger } from '@journey/platform';
import { kafkaClient } from '@journey/kafka';
import { holdWhileNotAdmitted } from './admission-hold';
import { ConsumeEventsCommand } from './consume-events.command';
import type { ConsumeReport } from './consume-report';
import type { IngestMessage } from './dead-letter';
import { KafkaDeadLetterTopic } from './kafka-dead-letter-topic';

export interface KafkaIngestOptions {
  readonly brokers: readonly string[];
  /** The topic upstream apps publish to, keyed by customer (journey.events). */
  readonly topic: string;
  readonly groupId: string;
  /** Where refused messages are republished, with the reasons in headers. */
  readonly deadLetterTopic: string;
  readonly clientId?: string;
  /** Partitions handled at once: their appends share group-commit batches. */
  readonly partitionsConsumedConcurrently?: number;
  /** Messages appended together before their offsets are resolved. */
  readonly chunkSize?: number;
  /** Whether ingest is admitted now (the lag gate); while it is not, partitions wait, nothing is dead-lettered. */
  readonly admitted?: () => boolean;
}

/** Where the consumer sends each run of messages: the command bus, or the handler itself. */
export interface ConsumeEventsBus {
  execute(command: ConsumeEventsCommand): Promise<ConsumeReport>;
}

/** What the consumer reports, for metrics. */
export interface ConsumeObserver {
  consumed(report: ConsumeReport): void;
  lag(topic: string, partition: number, messages: number): void;
  /** The partitions of the topic this consumer holds since the group's last rebalance. */
  assigned?(topic: string, partitions: readonly number[]): void;
}

const DEFAULT_CHUNK = 500;
const MAX_RECONNECT_MS = 30_000;
const MAX_STORE_WAIT_MS = 10_000;
const HEARTBEAT_MS = 1000;

/**
 * Consumes the ingest topic: each run of messages of a partition is appended (or dead-lettered)
 * before its offsets are resolved and committed, so a crash replays at most what was not yet
 * committed, and the replayed events answer as duplicates. Runs only when KAFKA_BROKERS is set.
 */
export class KafkaIngestConsumer {
  private readonly kafka: Kafka;
  private consumer: Consumer | undefined;
  /** Dead letters go to their topic through this producer, connected when the first one comes. */
  private readonly deadLetterTopic: KafkaDeadLetterTopic;
  private stopped = false;
  private running: Promise<void> | undefined;
  private readonly pause = new Pause();

  constructor(
    private readonly options: KafkaIngestOptions,
    private readonly commands: ConsumeEventsBus,
    private readonly logger: Logger,
    private readonly observer?: ConsumeObserver,
  ) {
    this.kafka = kafkaClient(options.brokers, options.clientId ?? 'journey-ingest', logger);
    this.deadLetterTopic = new KafkaDeadLetterTopic(new LazyKafkaProducer(this.kafka), options.deadLetterTopic);
  }

  /** Connects and consumes; a broker that cannot be reached yet is tried again, with backoff, until stop(). */
  start(): void {
    this.running ??= this.connectUntilStopped();
  }

  /** Stops consuming: the run of messages in hand is finished and its offsets committed first. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pause.wake();
    await this.consumer?.disconnect().catch(() => undefined);
    await this.running;
    // After the consumer: the batch it finishes may still write dead letters.
    await this.deadLetterTopic.close();
  }

  private async connectUntilStopped(): Promise<void> {
    for (let backoffMs = 1000; !this.stopped; backoffMs = Math.min(backoffMs * 2, MAX_RECONNECT_MS)) {
      const consumer = this.kafka.consumer({ groupId: this.options.groupId });
      this.consumer = consumer;
      try {
        await this.connect(consumer);
        // stop() came while connecting: what it disconnected may have connected since.
        if (this.stopped) await consumer.disconnect().catch(() => undefined);
        return;
      } catch (error) {
        await consumer.disconnect().catch(() => undefined);
        if (this.stopped) return;
        this.logger.warn({ err: error, retryInMs: backoffMs }, 'Kafka ingest could not start; trying again');
        await this.pause.wait(backoffMs);
      }
    }
  }

  private async connect(consumer: Consumer): Promise<void> {
    await consumer.connect();
    await consumer.subscribe({ topics: [this.options.topic], fromBeginning: true });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => this.observer?.assigned?.(this.options.topic, payload.memberAssignment[this.options.topic] ?? []));
    // kafkajs restarts the consumer after errors it deems retriable; after any other, so do we.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.stopped) return;
      this.logger.error({ err: payload.error }, 'Kafka ingest stopped on an error; connecting again');
      this.running = this.running?.then(async () => {
        await consumer.disconnect().catch(() => undefined);
        await this.connectUntilStopped();
      });
    });
    await consumer.run({
      eachBatchAutoResolve: false,
      // Resolved offsets are committed at the end of each batch, and within a long one every few seconds.
      autoCommitInterval: 5000,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 4,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    this.logger.info({ topic: this.options.topic, groupId: this.options.groupId }, 'consuming events from Kafka');
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const chunk = this.options.chunkSize ?? DEFAULT_CHUNK;
    for (let start = 0; start < batch.messages.length; start += chunk) {
      if (!isRunning() || isStale()) return;
      if (!(await this.admitted(payload))) return;
      const messages = batch.messages.slice(start, start + chunk);
      const report = await this.handleUntilStored(payload, messages.map((message) => ingestMessage(batch.topic, batch.partition, message)));
      if (!report) return;
      this.observer?.consumed(report);
      resolveOffset(messages[messages.length - 1]!.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
    this.observer?.lag(batch.topic, batch.partition, Number(batch.offsetLag()));
  }

  /** True once ingest is admitted (at once without an admission gate); false when the batch is given up meanwhile. */
  private admitted(payload: EachBatchPayload): Promise<boolean> {
    const admitted = this.options.admitted;
    if (!admitted) return Promise.resolve(true);
    return holdWhileNotAdmitted(payload, {
      admitted,
      wait: (ms) => this.pause.wait(ms),
      stopped: () => this.stopped,
      onHold: () => this.logger.warn('Kafka ingest holds its partitions while the pipeline catches up (admission limit)'),
    });
  }

  /**
   * While the database is unreachable, the same messages are tried again with backoff, the
   * group kept informed by heartbeats (no rebalance, nothing skipped); undefined once stopping.
   */
  private async handleUntilStored(
    { heartbeat, isRunning, isStale }: EachBatchPayload,
    messages: readonly IngestMessage[],
  ): Promise<ConsumeReport | undefined> {
    for (let waitMs = 500; ; waitMs = Math.min(waitMs * 2, MAX_STORE_WAIT_MS)) {
      try {
        return await this.commands.execute(new ConsumeEventsCommand(messages, this.deadLetterTopic));
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        this.logger.warn({ err: error, retryInMs: waitMs }, 'Kafka ingest waits for the database');
      }
      for (let waited = 0; waited < waitMs; waited += HEARTBEAT_MS) {
        if (!isRunning() || isStale()) return undefined;
        await new Promise((resolve) => setTimeout(resolve, Math.min(HEARTBEAT_MS, waitMs - waited)));
        await heartbeat();
      }
    }
  }
}

function ingestMessage(topic: string, partition: number, message: KafkaMessage): IngestMessage {
  return { topic, partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers };
}
