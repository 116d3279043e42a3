import type { Kafka } from 'kafkajs';
import { LazyKafkaProducer } from '@journey/kafka';
import { DeliveryError, type Channel, type Delivery } from './channel';

/**
 * Actions as Kafka messages (topic = the rule's target), keyed by customer so one customer's
 * actions stay in order, with the action id in an idempotency-key header. Active only when
 * KAFKA_BROKERS is set; the producer is idempotent and waits for all in-sync replicas.
 */
export class KafkaChannel implements Channel {
  readonly name = 'kafka' as const;
  private readonly producer: LazyKafkaProducer;

  constructor(kafka: Kafka) {
    this.producer = new LazyKafkaProducer(kafka);
  }

  async deliver(delivery: Delivery): Promise<void> {
    try {
      await this.producer.send({
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
      throw new DeliveryError(`Kafka: ${(error as Error).message}`, false);
    }
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}
