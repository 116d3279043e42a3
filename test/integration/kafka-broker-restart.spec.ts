import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { ConsumeEventsHandler, DeadLetterStore, KafkaIngestConsumer } from '@journey/ingest';
import { DeliveryError, KafkaChannel, type Delivery } from '@journey/journeys';
import { kafkaClient, KafkaLogPublisher, LogRelay } from '@journey/kafka';
import { brokersFromEnv, createTopics, header, testKafka, TopicReader } from '../support/kafka';
import { committedToTheEnd, ConsumeTally, IngestWaves, sendUntilAcknowledged } from '../support/kafka-ingest-run';
import { localBrokerUnavailable, LocalKafkaBroker } from '../support/local-kafka-broker';
import { backends, createTestDatabase, skipLine, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

const WAVES = 6;
const PER_WAVE = 150;
/** A ceiling for the whole run on a slow, loaded machine (a JVM started twice); each wait inside has its own. */
const RUN_CEILING_MS = 20 * 60_000;

/** It runs where the broker suites run (KAFKA_BROKERS set), on a broker of its own that it can restart. */
const why = brokersFromEnv().length === 0 ? 'runs with the broker suites (set KAFKA_BROKERS, e.g. from `npm run kafka:local`)' : localBrokerUnavailable();
const name = 'Kafka ingest, dead letters, the log relay and the saga channel across a broker restart';
if (why) skipLine(name, `needs a broker of its own from infra/scripts/kafka-local.mjs: ${why}`);

(why ? describe.skip : describe)(name, () => {
  const broker = new LocalKafkaBroker();
  const run = randomUUID().slice(0, 8);
  const topic = `journey-test-${run}.restart`;
  const deadLetterTopic = `journey-test-${run}.restart-dead-letter`;
  const relayTopic = `journey-test-${run}.restart-integration`;
  const actionsTopic = `journey-test-${run}.restart-actions`;
  const groupId = `journey-test-${run}-restart`;
  const logger = pino({ level: 'silent' });
  let t: TestDatabase;
  let store: PostgresEventStore;
  let table: DeadLetterStore;

  beforeAll(async () => {
    await broker.start();
    await createTopics(testKafka([broker.brokers]), [
      { topic, numPartitions: 4 },
      { topic: deadLetterTopic, numPartitions: 1 },
      { topic: relayTopic, numPartitions: 4 },
      { topic: actionsTopic, numPartitions: 1 },
    ]);
    t = await createTestDatabase(backends()[0]!);
    store = new PostgresEventStore(t.db);
    table = new DeadLetterStore(t.db, () => new Date());
  }, RUN_CEILING_MS);
  afterAll(async () => {
    await broker.destroy();
    await store?.close();
    await t?.drop();
  }, RUN_CEILING_MS);

  const action = (i: number): Delivery => ({
    actionId: `action-${run}-${i}`,
    customerId: `c-${run}`,
    ruleId: 'win-back',
    ruleVersion: 1,
    target: actionsTopic,
    body: JSON.stringify({ n: i }),
    attempt: 1,
  });

  it(
    'loses nothing and appends nothing twice when the broker stops and starts again in the middle of a run',
    async () => {
      const brokers = [broker.brokers];
      const kafka = testKafka(brokers);
      const waves = new IngestWaves(PER_WAVE);
      const tally = new ConsumeTally();
      const consumer = new KafkaIngestConsumer({ brokers, topic, groupId, deadLetterTopic, chunkSize: 50 }, new ConsumeEventsHandler(store, [table], () => new Date()), logger, tally);
      const relay = new LogRelay(store, t.db, new KafkaLogPublisher(kafkaClient(brokers, 'journey-test-relay', logger), relayTopic), { name: `relay:${run}`, pollMs: 100 });
      const channel = new KafkaChannel(kafkaClient(brokers, 'journey-test-saga', logger));
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      let relayed: TopicReader | undefined;
      try {
        await producer.connect();
        consumer.start();
        relay.start();
        await channel.deliver(action(1));
        for (let i = 0; i < WAVES / 2; i++) await sendUntilAcknowledged(producer, topic, waves.wave(i));
        await until(() => (tally.appended > 0 ? true : undefined), 180_000, 'the consumer to append');

        // The broker stops cleanly with messages still to consume, events still to relay.
        await broker.stop();
        const refused = await channel.deliver(action(2)).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(refused).toBeInstanceOf(DeliveryError);
        expect((refused as DeliveryError).permanent).toBe(false);
        await broker.start();

        // The dispatcher tries a refused action again: the channel connects afresh.
        await until(() => channel.deliver(action(2)).then(() => true, () => undefined), 180_000, 'the channel to deliver again');
        for (let i = WAVES / 2; i < WAVES; i++) await sendUntilAcknowledged(producer, topic, waves.wave(i));

        await until(async () => ((await waves.stored(t.db)) === waves.events ? true : undefined), 300_000, `all ${waves.events} events in the log`);
        await until(async () => ((await table.list(0, 100)).length === WAVES ? true : undefined), 120_000, `${WAVES} dead letters`);
        await until(async () => ((await committedToTheEnd(kafka, groupId, topic)) ? true : undefined), 120_000, 'offsets committed to the end');

        // Every event of the log reaches the integration topic (at least once: a batch published
        // before the stop may be published again; downstream apps deduplicate by event id).
        relayed = await new TopicReader(kafka, relayTopic, `journey-test-${run}-relay-reader`).start();
        const all = new Set([...waves.produced.values()].flat());
        await relayed.waitFor((messages) => all.size === new Set(messages.map((m) => header(m, 'event-id')).filter((id) => id !== undefined && all.has(id))).size, 'every event on the integration topic', 300_000);
      } finally {
        await relayed?.stop();
        await producer.disconnect();
        await consumer.stop();
        await relay.stop();
        await channel.close();
      }

      // Each stream holds its events once, in the order produced: the runs consumed again after
      // the restart (appended, but not committed before the broker went) answered duplicates.
      expect(await waves.streams(store)).toEqual(waves.produced);
      expect(tally.appended).toBeLessThanOrEqual(waves.events);
      const records = await table.list(0, 100);
      expect(records.map((r) => r.key).sort()).toEqual([...waves.badKeys].sort());

      // Per customer, the relayed events come in the order of the stream (first sight of each id).
      const byCustomer = new Map<string, string[]>();
      for (const message of relayed!.messages) {
        const id = header(message, 'event-id')!;
        const ids = byCustomer.get(message.key!.toString()) ?? [];
        if (!ids.includes(id)) ids.push(id);
        byCustomer.set(message.key!.toString(), ids);
      }
      for (const [customerId, ids] of waves.produced) expect(byCustomer.get(customerId)).toEqual(ids);

      // Both actions are on their topic, with their idempotency keys.
      const actions = await new TopicReader(kafka, actionsTopic, `journey-test-${run}-actions-reader`).start();
      try {
        const seen = await actions.waitFor((messages) => new Set(messages.map((m) => header(m, 'idempotency-key'))).size === 2, 'both actions');
        expect([...new Set(seen.map((m) => header(m, 'idempotency-key')))].sort()).toEqual([action(1).actionId, action(2).actionId]);
        expect(seen.every((m) => m.key?.toString() === `c-${run}` && header(m, 'journey-rule') === 'win-back@1')).toBe(true);
      } finally {
        await actions.stop();
      }
    },
    RUN_CEILING_MS,
  );
});
