import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import pino from 'pino';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { KafkaLogPublisher, LogRelay } from '@journey/kafka';
import { DeadLetterStore, KafkaIngestConsumer } from '@journey/ingest';
import { ensureTopics, journeyTopics } from '@journey/kafka';
import { sampleEvent } from '../support/sample-events';
import { backends, createTestDatabase, skipLine, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

/** Against a real broker only: KAFKA_BROKERS=host:9092 (docker compose --profile kafka up). */
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
const describeWithKafka = brokers.length > 0 ? describe : describe.skip;
if (brokers.length === 0) skipLine('Kafka ingest and log relay against a broker', 'needs a Kafka broker (set KAFKA_BROKERS); their logic is tested without one in kafka-ingest.spec.ts and log-relay.spec.ts');

describeWithKafka('Kafka ingest and log relay against the broker at KAFKA_BROKERS', () => {
  const backend = backends()[0]!;
  const kafka = new Kafka({ clientId: 'journey-test', brokers, logLevel: logLevel.NOTHING });
  const run = randomUUID().slice(0, 8);
  const topic = `journey-test-${run}.events`;
  const deadLetterTopic = `journey-test-${run}.dead-letter`;
  let t: TestDatabase;
  let store: PostgresEventStore;
  let table: DeadLetterStore;

  beforeAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 4 }, { topic: deadLetterTopic, numPartitions: 1 }] });
    await admin.disconnect();
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
    new KafkaIngestConsumer({ brokers, topic, groupId: `journey-test-${run}`, deadLetterTopic }, store, table, () => new Date(), pino({ level: 'silent' }));

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
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: relayTopic, numPartitions: 2 }] });
    await admin.disconnect();
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
      for (const end of ends) expect(byPartition.get(end.partition)).toBe(end.high);
    } finally {
      await admin.disconnect();
    }
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey.events');
    expect(rows[0]!.n).toBe(events.length);
  });
});
