import { randomUUID } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import pino from 'pino';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { KafkaLogPublisher, LogRelay } from '@journey/kafka';
import { ConsumeEventsHandler, DeadLetterStore, KafkaIngestConsumer } from '@journey/ingest';
import { ensureTopics, journeyTopics } from '@journey/kafka';
import { sampleEvent } from '../support/sample-events';
import { createTopics, deleteTopics, describeWithBroker, header, testKafka, TopicReader } from '../support/kafka';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

/** Against a real broker (KAFKA_BROKERS); the logic is tested without one in kafka-ingest.spec.ts and log-relay.spec.ts. */
describeWithBroker('Kafka ingest and log relay against the broker at KAFKA_BROKERS', (brokers) => {
  const backend = backends()[0]!;
  const kafka = testKafka(brokers);
  const run = randomUUID().slice(0, 8);
  const topic = `journey-test-${run}.events`;
  const deadLetterTopic = `journey-test-${run}.dead-letter`;
  let t: TestDatabase;
  let store: PostgresEventStore;
  let table: DeadLetterStore;

  beforeAll(async () => {
    await createTopics(kafka, [{ topic, numPartitions: 4 }, { topic: deadLetterTopic, numPartitions: 1 }]);
    t = await createTestDatabase(backend);
    store = new PostgresEventStore(t.db);
    table = new DeadLetterStore(t.db, () => new Date());
  });
  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, deadLetterTopic] }).catch(() => undefined);
    await admin.disconnect();
    await store.close();
    await t.drop();
  });

  const consumerOf = () =>
    new KafkaIngestConsumer({ brokers, topic, groupId: `journey-test-${run}`, deadLetterTopic }, new ConsumeEventsHandler(store, [table], () => new Date()), pino({ level: 'silent' }));

  it('creates the topics of infra/kafka/topics.json once', async () => {
    const names = { ingestTopic: `journey-test-${run}.made`, deadLetterTopic: `journey-test-${run}.made-dead-letter`, relayTopic: `journey-test-${run}.made-integration` };
    const all = [names.ingestTopic, names.deadLetterTopic, names.relayTopic];
    expect(await ensureTopics(kafka, journeyTopics(names))).toEqual({ created: all, existing: [] });
    expect(await ensureTopics(kafka, journeyTopics(names))).toEqual({ created: [], existing: all });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [meta] = (await admin.fetchTopicMetadata({ topics: [names.ingestTopic] })).topics;
      expect(meta!.partitions).toHaveLength(16);
      await admin.deleteTopics({ topics: all });
    } finally {
      await admin.disconnect();
    }
  });

  it('relays the log to the integration topic, keyed by customer, with the event id and type in headers', async () => {
    const relayTopic = `journey-test-${run}.integration`;
    await createTopics(kafka, [{ topic: relayTopic, numPartitions: 2 }]);
    const customerId = `c-${randomUUID()}`;
    const events = Array.from({ length: 5 }, () => ({ eventId: randomUUID(), type: 'PageViewed', version: 1, occurredAt: new Date().toISOString(), source: 'web', data: { url: '/' }, metadata: {} }));
    await store.append(`customer-${customerId}`, events);

    const relay = new LogRelay(store, t.db, new KafkaLogPublisher(kafka, relayTopic), { name: `relay:test-${run}`, pollMs: 100 });
    relay.start();
    const reader = kafka.consumer({ groupId: `journey-test-relay-reader-${run}` });
    const seen: KafkaMessage[] = [];
    try {
      await reader.connect();
      await reader.subscribe({ topics: [relayTopic], fromBeginning: true });
      await reader.run({ eachMessage: async ({ message }) => void seen.push(message) });
      await until(() => (seen.filter((m) => m.key?.toString() === customerId).length === events.length ? true : undefined), 120_000, 'the relayed events');
    } finally {
      await reader.disconnect();
      await relay.stop();
    }
    const mine = seen.filter((m) => m.key?.toString() === customerId);
    expect(mine.map((m) => m.headers!['event-id']!.toString())).toEqual(events.map((e) => e.eventId));
    expect(mine.every((m) => m.headers!['event-type']!.toString() === 'PageViewed')).toBe(true);
    expect(JSON.parse(mine[0]!.value!.toString())).toMatchObject({ customerId, type: 'PageViewed', streamPosition: 1 });
  });

  it('appends the events of the topic in order per customer, dead-letters the bad ones, and commits its offsets', async () => {
    const customers = Array.from({ length: 8 }, () => `c-${randomUUID()}`);
    const events = Array.from({ length: 200 }, (_, i) => sampleEvent('PurchaseCompleted', { customerId: customers[i % customers.length]! }));
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        ...events.map((event) => ({ key: String(event.customerId), value: JSON.stringify(event) })),
        { key: customers[0]!, value: '{"not": "an event"', headers: { origin: 'test' } },
      ],
    });
    await producer.disconnect();

    const consumer = consumerOf();
    consumer.start();
    try {
      await until(async () => ((await table.list(0, 10)).length === 1 ? true : undefined), 120_000, 'the dead-letter record');
      for (const customerId of customers) {
        const expected = events.filter((event) => event.customerId === customerId).map((event) => event.eventId);
        const stored = await until(async () => {
          const ids = (await store.readStream(`customer-${customerId}`)).map((e) => e.eventId);
          return ids.length === expected.length ? ids : undefined;
        }, 120_000, `the events of ${customerId}`);
        expect(stored).toEqual(expected);
      }
    } finally {
      await consumer.stop();
    }

    const [record] = await table.list(0, 10);
    expect(record).toMatchObject({ topic, key: customers[0], eventId: null, errors: [{ field: 'value', reason: expect.stringMatching(/not JSON/) }] });

    // The refused message itself is on the dead-letter topic, with where it came from and why.
    const reader = kafka.consumer({ groupId: `journey-test-reader-${run}` });
    await reader.connect();
    await reader.subscribe({ topics: [deadLetterTopic], fromBeginning: true });
    const seen: KafkaMessage[] = [];
    await reader.run({ eachMessage: async ({ message }) => void seen.push(message) });
    try {
      await until(() => (seen.length > 0 ? true : undefined), 120_000, 'the dead-letter message');
    } finally {
      await reader.disconnect();
    }
    expect(seen[0]!.value!.toString()).toBe('{"not": "an event"');
    expect(seen[0]!.headers!['journey-source-topic']!.toString()).toBe(topic);
    expect(seen[0]!.headers!['journey-source-offset']!.toString()).toBe(record!.offset);
    expect(seen[0]!.headers!.origin!.toString()).toBe('test');
    expect(JSON.parse(seen[0]!.headers!['journey-errors']!.toString())).toEqual(record!.errors);

    // Every partition's offset is committed up to its end: a restart consumes nothing again.
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: `journey-test-${run}`, topics: [topic] });
      const byPartition = new Map(committed!.partitions.map((p) => [p.partition, p.offset]));
      // -1 is "nothing committed": right only for a partition no message went to.
      for (const end of ends) expect(byPartition.get(end.partition)?.replace(/^-1$/, '0')).toBe(end.high);
    } finally {
      await admin.disconnect();
    }
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey.events WHERE stream_id = ANY($1::text[])', [
      customers.map((customerId) => `customer-${customerId}`),
    ]);
    expect(rows[0]!.n).toBe(events.length);
  });

  it('dead-letters a small message of thousands of problems and goes on past it, republishing it as a stub where the dead-letter topic refuses its size', async () => {
    const poisonTopic = `journey-test-${run}.poison`;
    const poisonDeadLetters = `journey-test-${run}.poison-dead-letter`;
    const groupId = `journey-test-poison-${run}`;
    // The dead-letter topic takes less than the message itself.
    await createTopics(kafka, [
      { topic: poisonTopic, numPartitions: 1 },
      { topic: poisonDeadLetters, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '50000' }] },
    ]);
    const customerId = `c-${randomUUID()}`;
    // 60 KB, under the event limit: 20,000 items without sku, quantity or unit price.
    const poison = sampleEvent('PurchaseCompleted', { customerId, data: { orderId: 'o-1', total: 1, currency: 'EUR', items: Array.from({ length: 20_000 }, () => ({})) } });
    // Behind it, more events than one run of the consumer takes (500).
    const goods = Array.from({ length: 600 }, () => sampleEvent('PageViewed', { customerId }));
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: poisonTopic, messages: [{ key: customerId, value: JSON.stringify(poison) }] });
    await producer.send({ topic: poisonTopic, messages: goods.map((good) => ({ key: customerId, value: JSON.stringify(good) })) });
    await producer.disconnect();

    const consumer = new KafkaIngestConsumer(
      { brokers, topic: poisonTopic, groupId, deadLetterTopic: poisonDeadLetters },
      new ConsumeEventsHandler(store, [table], () => new Date()),
      pino({ level: 'silent' }),
    );
    const admin = kafka.admin();
    await admin.connect();
    consumer.start();
    try {
      const committed = async () => (await admin.fetchOffsets({ groupId, topics: [poisonTopic] }))[0]!.partitions[0]!.offset;
      await until(async () => ((await committed()) === String(goods.length + 1) ? true : undefined), 120_000, 'the offsets committed past the poison');
    } finally {
      await consumer.stop();
      await admin.disconnect();
    }
    const stored = await store.readStream(`customer-${customerId}`, { limit: 10_000 });
    expect(stored.map((event) => event.eventId)).toEqual(goods.map((good) => good.eventId));
    const record = (await table.list(0, 1000)).find((r) => r.topic === poisonTopic);
    expect(record).toMatchObject({ offset: '0', eventId: poison.eventId, eventType: 'PurchaseCompleted' });
    expect(record!.errors).toHaveLength(51);
    // The count of the rest names the whole message, as every problem of the message itself.
    expect(record!.errors[50]).toEqual({ field: 'value', reason: expect.stringMatching(/^and \d+ more problems, not listed$/) });

    const reader = await new TopicReader(kafka, poisonDeadLetters, `journey-test-poison-reader-${run}`).start();
    try {
      const [stub] = await reader.waitFor((messages) => messages.length > 0, 'the dead letter of the poison');
      expect(stub!.value).toBeNull();
      expect(header(stub!, 'journey-source-offset')).toBe('0');
      expect(header(stub!, 'journey-value-omitted')).toMatch(/refused the dead letter/);
      expect(JSON.parse(header(stub!, 'journey-errors')!)).toEqual(record!.errors);
    } finally {
      await reader.stop();
      await deleteTopics(kafka, [poisonTopic, poisonDeadLetters]);
    }
  });
});
