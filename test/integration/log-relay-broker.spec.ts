import { randomUUID } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { KafkaLogPublisher, LogRelay } from '@journey/kafka';
import { createTopics, deleteTopics, describeWithBroker, testKafka } from '../support/kafka';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * Events are accepted up to 64 KiB each, so one customer's burst of large events fills a relay
 * batch past what the broker takes in one request (message.max.bytes, 1 MiB by default): the
 * relay must still publish it, in order.
 */
describeWithBroker('the log relay and a batch larger than one request to the broker', (brokers) => {
  const kafka = testKafka(brokers);
  const run = randomUUID().slice(0, 8);
  const relayTopic = `journey-test-${run}.integration`;
  let t: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    await createTopics(kafka, [{ topic: relayTopic, numPartitions: 1 }]);
    t = await createTestDatabase('postgres');
    store = new PostgresEventStore(t.db);
  });
  afterAll(async () => {
    await deleteTopics(kafka, [relayTopic]);
    await store.close();
    await t.drop();
  });

  it('relays 60 valid 50 KiB events of one customer', async () => {
    const customerId = `c-${randomUUID()}`;
    const blob = 'x'.repeat(50 * 1024);
    const events = Array.from({ length: 60 }, (_, i) => ({
      eventId: randomUUID(),
      type: 'CustomEvent',
      version: 1,
      occurredAt: new Date().toISOString(),
      source: 'web',
      data: { name: 'Big', properties: { i, blob } },
      metadata: {},
    }));
    await store.append(`customer-${customerId}`, events);

    const errors: unknown[] = [];
    const relay = new LogRelay(store, t.db, new KafkaLogPublisher(kafka, relayTopic), { name: `relay:test-${run}`, pollMs: 100, onError: (e) => errors.push(e) });
    relay.start();
    const reader = kafka.consumer({ groupId: `journey-test-reader-${run}`, maxBytes: 64 * 1024 * 1024 });
    const seen: KafkaMessage[] = [];
    try {
      await reader.connect();
      await reader.subscribe({ topics: [relayTopic], fromBeginning: true });
      await reader.run({ eachMessage: async ({ message }) => void seen.push(message) });
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline && seen.length < events.length) await new Promise((r) => setTimeout(r, 250));
    } finally {
      await reader.disconnect();
      await relay.stop();
    }
    const firstError = errors[0] as { name?: string; type?: string; message?: string } | undefined;
    expect({ relayed: seen.length, errors: errors.length, firstError: firstError && `${firstError.name}: ${firstError.type ?? ''} ${firstError.message}` }).toEqual({
      relayed: events.length,
      errors: 0,
      firstError: undefined,
    });
    expect(seen.map((message) => message.headers?.['event-id']?.toString())).toEqual(events.map((event) => event.eventId));
  }, 180_000);
});
