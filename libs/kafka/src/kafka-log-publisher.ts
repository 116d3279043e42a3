import type { Kafka } from 'kafkajs';
import { LazyKafkaProducer } from './lazy-kafka-producer';
import type { LogPublisher, RelayMessage } from './log-relay';

/**
 * The bytes of messages one request carries at most: half the broker's default record batch limit
 * (1 MiB, `message.max.bytes`), leaving room for the records' framing. An event is at most 64 KiB,
 * so any one message fits; a batch of large ones goes in several requests.
 */
const REQUEST_BYTES = 512 * 1024;

/**
 * The relay's messages on a Kafka topic, keyed by customer (one customer's events stay in one
 * partition, in order), with the event id and type in headers, acknowledged by every in-sync
 * replica. A batch larger than one request takes (a burst of large events) is sent in requests
 * one after another, in order; the call resolves once the last is acknowledged.
 */
export class KafkaLogPublisher implements LogPublisher {
  private readonly producer: LazyKafkaProducer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
  ) {
    this.producer = new LazyKafkaProducer(kafka);
  }

  async publish(messages: readonly RelayMessage[]): Promise<void> {
    for (const request of inRequests(messages, REQUEST_BYTES)) {
      await this.producer.send({
        topic: this.topic,
        acks: -1,
        messages: request.map((message) => ({
          key: message.key,
          value: message.value,
          headers: { 'event-id': message.eventId, 'event-type': message.type },
        })),
      });
    }
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}

/** The messages in order, cut into runs of at most `bytes` (a message larger alone is a run of its own). */
export function inRequests(messages: readonly RelayMessage[], bytes: number): RelayMessage[][] {
  const requests: RelayMessage[][] = [];
  let current: RelayMessage[] = [];
  let size = 0;
  for (const message of messages) {
    const length = Buffer.byteLength(message.key) + Buffer.byteLength(message.value) + Buffer.byteLength(message.eventId) + Buffer.byteLength(message.type) + 64;
    if (current.length > 0 && size + length > bytes) {
      requests.push(current);
      current = [];
      size = 0;
    }
    current.push(message);
    size += length;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}
