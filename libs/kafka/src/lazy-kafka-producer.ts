import type { Kafka, Producer, ProducerRecord } from 'kafkajs';
import { customerPartitioner } from './customer-partitioner';

/**
 * An idempotent Kafka producer (one request in flight, so retries keep the order), connected on
 * first use and afresh after a failed send. The saga's Kafka channel and the log relay send
 * through one each.
 */
export class LazyKafkaProducer {
  private producer: Promise<Producer> | undefined;

  constructor(private readonly kafka: Kafka) {}

  async send(record: ProducerRecord): Promise<void> {
    try {
      await (await this.connect()).send(record);
    } catch (error) {
      await this.close();
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
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: customerPartitioner });
      await producer.connect();
      return producer;
    })();
    return this.producer;
  }
}
