import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { ConsumeEventsHandler, DeadLetterStore, KafkaIngestConsumer } from '@journey/ingest';
import { createTopics, deleteTopics, describeWithBroker, header, testKafka, TopicReader } from '../support/kafka';
import { committedToTheEnd, ConsumeTally, groupMembers, IngestWaves, sendUntilAcknowledged } from '../support/kafka-ingest-run';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

const WAVES = 9;
const PER_WAVE = 150;
/** A ceiling for the whole run on a slow, loaded machine; each wait inside has its own. */
const RUN_CEILING_MS = 15 * 60_000;

describeWithBroker('Kafka ingest through a consumer-group rebalance, against the broker at KAFKA_BROKERS', (brokers) => {
  const kafka = testKafka(brokers);
  const run = randomUUID().slice(0, 8);
  const topic = `journey-test-${run}.rebalance`;
  const deadLetterTopic = `journey-test-${run}.rebalance-dead-letter`;
  const groupId = `journey-test-${run}-rebalance`;
  let t: TestDatabase;
  let store: PostgresEventStore;
  let table: DeadLetterStore;

  beforeAll(async () => {
    await createTopics(kafka, [
      { topic, numPartitions: 8 },
      { topic: deadLetterTopic, numPartitions: 1 },
    ]);
    t = await createTestDatabase(backends()[0]!);
    store = new PostgresEventStore(t.db);
    table = new DeadLetterStore(t.db, () => new Date());
  });
  afterAll(async () => {
    await deleteTopics(kafka, [topic, deadLetterTopic]);
    await store.close();
    await t.drop();
  });

  const consumer = (tally: ConsumeTally) =>
    new KafkaIngestConsumer(
      // Small runs, so that a run is in hand whenever the group rebalances.
      { brokers, topic, groupId, deadLetterTopic, clientId: `journey-test-${run}`, chunkSize: 20 },
      new ConsumeEventsHandler(store, [table], () => new Date()),
      pino({ level: 'silent' }),
      tally,
    );

  it('appends every event once, in order per customer, and records each bad message once, while a second consumer joins and the first leaves', async () => {
    const waves = new IngestWaves(PER_WAVE);
    const [firstTally, secondTally] = [new ConsumeTally(), new ConsumeTally()];
    const first = consumer(firstTally);
    const second = consumer(secondTally);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      first.start();
      for (let i = 0; i < WAVES; i++) {
        await sendUntilAcknowledged(producer, topic, waves.wave(i));
        if (i === 2) {
          // A second member joins while the first has messages in hand: the group rebalances.
          await until(() => (firstTally.messages > 0 ? true : undefined), 180_000, 'the first consumer to consume');
          second.start();
          await until(async () => ((await groupMembers(kafka, groupId)) === 2 ? true : undefined), 180_000, 'the group to settle with two members');
        }
        if (i === 5) {
          // The first leaves in the middle of the run: the second takes all its partitions.
          await first.stop();
        }
      }
      await until(async () => ((await waves.stored(t.db)) === waves.events ? true : undefined), 300_000, `all ${waves.events} events in the log`);
      await until(async () => ((await table.list(0, 100)).length === WAVES ? true : undefined), 120_000, `${WAVES} dead letters`);
      await until(async () => ((await committedToTheEnd(kafka, groupId, topic)) ? true : undefined), 120_000, 'offsets committed to the end');
    } finally {
      await producer.disconnect();
      await first.stop();
      await second.stop();
    }

    expect(await waves.streams(store)).toEqual(waves.produced);
    // Each event was appended by exactly one consumer; a run consumed again answered duplicates.
    expect(firstTally.appended + secondTally.appended).toBe(waves.events);
    expect(firstTally.appended).toBeGreaterThan(0);
    expect(secondTally.appended).toBeGreaterThan(0);

    const records = await table.list(0, 100);
    expect(records.map((r) => r.key).sort()).toEqual([...waves.badKeys].sort());
    expect(records.every((r) => r.topic === topic && r.errors[0]!.reason.startsWith('is not JSON'))).toBe(true);

    // The dead-letter topic holds every bad message (at least once), with where it came from.
    const reader = await new TopicReader(kafka, deadLetterTopic, `journey-test-${run}-dead-letter-reader`).start();
    try {
      const seen = await reader.waitFor((messages) => new Set(messages.map((m) => m.key?.toString())).size === WAVES, `${WAVES} dead-letter messages`);
      const offsets = new Map(records.map((r) => [r.key, `${r.partition}:${r.offset}`]));
      for (const message of seen) {
        expect(`${header(message, 'journey-source-partition')}:${header(message, 'journey-source-offset')}`).toBe(offsets.get(message.key!.toString()));
      }
    } finally {
      await reader.stop();
    }
  }, RUN_CEILING_MS);
});
