import type { Kafka } from 'kafkajs';
import { LazyKafkaProducer } from './lazy-kafka-producer';
import type { LogPublisher, RelayMessage } from './log-relay';

/**
 * The relay's messages on a Kafka topic, keyed by customer (one customer's events stay in one
 * partition, in order), with the event id and type in headers, acknowledged by every in-sync
 * replica.
 */
export class KafkaLogPublisher implements LogPublisher {
  private readonly producer: LazyKafkaProducer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
  ) {
    this.producer = new LazyKafkaProducer(kafka);
  }

  publish(messages: readonly RelayMessage[]): Promise<void> {
    return this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: messages.map((message) => ({
        key: message.key,
        value: message.value,
        headers: { 'event-id': message.eventId, 'event-type': message.type },
      })),
    });
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}
