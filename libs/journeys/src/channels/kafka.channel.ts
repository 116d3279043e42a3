import type { Kafka } from 'kafkajs';
import { LazyKafkaProducer } from '@journey/kafka';
import { DeliveryError, type Channel, type Delivery } from './channel';

/**
 * Actions as Kafka messages (topic = the rule's target), keyed by customer so one customer's
 * actions stay in order, with the action id in an idempotency-key header. Active only when
 * KAFKA_BROKERS is set; the producer is idempotent and waits for all in-sync replicas. The
 * engine's own topics (`reserved`: ingest, dead letter, relay) are never written, whatever a
 * rule stored before they were refused at save says: such an action fails for good.
 */
export class KafkaChannel implements Channel {
  readonly name = 'kafka' as const;
  private readonly producer: LazyKafkaProducer;

  constructor(
    kafka: Kafka,
    private readonly reserved: readonly string[] = [],
  ) {
    this.producer = new LazyKafkaProducer(kafka);
  }

  async deliver(delivery: Delivery): Promise<void> {
    if (this.reserved.includes(delivery.target)) throw new DeliveryError(`Kafka: ${delivery.target} is one of the engine's own topics`, true);
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
