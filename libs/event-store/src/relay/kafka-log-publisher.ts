import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { LogPublisher, RelayMessage } from './log-relay';

/**
 * The relay's messages on a Kafka topic, keyed by customer (one customer's events stay in one
 * partition, in order), with the event id and type in headers. The producer is idempotent and
 * waits for every in-sync replica.
 */
export class KafkaLogPublisher implements LogPublisher {
  private producer: Promise<Producer> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
  ) {}

  async publish(messages: readonly RelayMessage[]): Promise<void> {
    try {
      const producer = await this.connect();
      await producer.send({
        topic: this.topic,
        acks: -1,
        messages: messages.map((message) => ({
          key: message.key,
          value: message.value,
          headers: { 'event-id': message.eventId, 'event-type': message.type },
        })),
      });
    } catch (error) {
      // A fresh producer next time: the failed one may be disconnected.
      const failed = this.producer;
      this.producer = undefined;
      await failed?.then((p) => p.disconnect()).catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
  }

  private connect(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      return producer;
    })();
    return this.producer;
  }
}
