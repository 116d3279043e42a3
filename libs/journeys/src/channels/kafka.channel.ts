import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { DeliveryError, type Channel, type Delivery } from './channel';

/**
 * Actions as Kafka messages (topic = the rule's target), keyed by customer so one customer's
 * actions stay in order, with the action id in an idempotency-key header. Active only when
 * KAFKA_BROKERS is set; the producer is idempotent and waits for all in-sync replicas.
 */
export class KafkaChannel implements Channel {
  readonly name = 'kafka' as const;
  private producer: Promise<Producer> | undefined;

  constructor(private readonly kafka: Kafka) {}

  async deliver(delivery: Delivery): Promise<void> {
    try {
      const producer = await this.connect();
      await producer.send({
        topic: delivery.target,
        acks: -1,
        messages: [
          {
            key: delivery.customerId,
            value: delivery.body,
            headers: { 'idempotency-key': delivery.actionId, 'journey-rule': `${delivery.ruleId}@${delivery.ruleVersion}` },
          },
        ],
      });
    } catch (error) {
      this.producer = undefined;
      throw new DeliveryError(`Kafka: ${(error as Error).message}`, false);
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
