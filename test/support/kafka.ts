import { Kafka, logLevel, type Consumer, type ITopicConfig, type KafkaMessage } from 'kafkajs';
import { skipLine } from './test-database';
import { until } from './until';

/** The brokers of KAFKA_BROKERS (`npm run kafka:local` prints them; .ci/run sets them), or none. */
export function brokersFromEnv(): string[] {
  return (process.env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}

/** `describe` for suites that need a Kafka broker: skipped with one line when KAFKA_BROKERS is unset. */
export function describeWithBroker(name: string, body: (brokers: string[]) => void): void {
  const brokers = brokersFromEnv();
  if (brokers.length > 0) {
    describe(name, () => body(brokers));
  } else {
    skipLine(name, 'needs a Kafka broker: set KAFKA_BROKERS, e.g. from `npm run kafka:local` (Java 17 and Maven)');
    describe.skip(name, () => body([]));
  }
}

/** A client for the test's own producers, readers and admin, quiet and patient with a slow broker. */
export function testKafka(brokers: readonly string[], clientId = 'journey-test'): Kafka {
  return new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.NOTHING, retry: { retries: 10 } });
}

/**
 * Creates the topics and waits until every partition has a leader. (kafkajs's own wait gives up
 * when a KRaft broker still answers for a new topic as unknown.)
 */
export async function createTopics(kafka: Kafka, topics: readonly ITopicConfig[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: false, topics: [...topics] });
    const names = topics.map((t) => t.topic);
    await until(
      async () => {
        const meta = await admin.fetchTopicMetadata({ topics: names }).catch(() => undefined);
        return meta && meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)) ? true : undefined;
      },
      120_000,
      `leaders of ${names.join(', ')}`,
    );
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [...topics] }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/** Reads a topic from its beginning, keeping every message it sees, until stopped. */
export class TopicReader {
  readonly messages: KafkaMessage[] = [];
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    groupId: string,
  ) {
    this.consumer = kafka.consumer({ groupId });
  }

  async start(): Promise<this> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await this.consumer.run({ eachMessage: async ({ message }) => void this.messages.push(message) });
    return this;
  }

  /** The messages once `enough` holds for them; fails naming `what` after a generous ceiling. */
  async waitFor(enough: (messages: readonly KafkaMessage[]) => boolean, what: string, timeoutMs = 180_000): Promise<KafkaMessage[]> {
    return until(() => (enough(this.messages) ? [...this.messages] : undefined), timeoutMs, what);
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

/** The value of a message header as text. */
export function header(message: KafkaMessage, name: string): string | undefined {
  return message.headers?.[name]?.toString();
}
