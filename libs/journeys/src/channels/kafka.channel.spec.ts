import { Kafka } from 'kafkajs';
import { DeliveryError } from './channel';
import { KafkaChannel } from './kafka.channel';

describe('the Kafka channel', () => {
  it("fails for good an action to one of the engine's own topics, without writing it", async () => {
    // No broker listens there: a send would fail with a retryable error, not this one.
    const channel = new KafkaChannel(new Kafka({ clientId: 'test', brokers: ['127.0.0.1:1'], retry: { retries: 0 } }), ['journey.events']);
    const delivery = { actionId: 'a', customerId: 'c', ruleId: 'r', ruleVersion: 1, target: 'journey.events', body: '{}', attempt: 1 };
    const refused = await channel.deliver(delivery).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(DeliveryError);
    expect(refused).toMatchObject({ permanent: true, message: expect.stringContaining("engine's own topics") });
    await channel.close();
  });
});
