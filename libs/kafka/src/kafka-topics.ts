import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';

export interface TopicDefinition {
  readonly name: string;
  readonly partitions: number;
  readonly configs: Readonly<Record<string, string>>;
}

type Defined = Omit<TopicDefinition, 'name'>;

interface TopicsFile {
  readonly ingest: Defined;
  readonly deadLetter: Defined;
  readonly integration: Defined;
}

export interface TopicNames {
  readonly ingestTopic: string;
  readonly deadLetterTopic: string;
  readonly relayTopic: string;
}

/** The engine's topics (ingest, its dead letters, the relayed log), as infra/kafka/topics.json defines them, under the configured names. */
export function journeyTopics(names: TopicNames, file = defaultTopicsFile()): TopicDefinition[] {
  const defined = JSON.parse(readFileSync(file, 'utf8')) as TopicsFile;
  const topic = (name: string, { partitions, configs }: Defined): TopicDefinition => ({ name, partitions, configs });
  return [topic(names.ingestTopic, defined.ingest), topic(names.deadLetterTopic, defined.deadLetter), topic(names.relayTopic, defined.integration)];
}

/** Creates the topics that do not exist yet (replicas: the broker's default); says which it created. */
export async function ensureTopics(kafka: Kafka, topics: readonly TopicDefinition[]): Promise<{ created: string[]; existing: string[] }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const present = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !present.has(topic.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.partitions,
          configEntries: Object.entries(topic.configs).map(([name, value]) => ({ name, value })),
        })),
      });
      await leadersOf(admin, missing.map((topic) => topic.name));
    }
    return { created: missing.map((topic) => topic.name), existing: topics.filter((topic) => present.has(topic.name)).map((topic) => topic.name) };
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until every partition of the topics has a leader. A KRaft broker may answer for a new
 * topic as unknown for a moment after creating it, which kafkajs's own wait does not retry.
 */
async function leadersOf(admin: Admin, topics: readonly string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: [...topics] });
      if (found.length === topics.length && found.every((topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      const type = (error as { type?: string }).type;
      if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw error;
    }
    if (Date.now() > deadline) throw new TopicsNotReadyError(topics, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function defaultTopicsFile(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'infra', 'kafka', 'topics.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`cannot find infra/kafka/topics.json above ${__dirname}`);
  }
}

/** Every failure of the topic admin reported on purpose; `type` makes the union switchable. */
export type KafkaTopicsError = TopicsNotReadyError;

/** Topics were created or found, but the brokers gave their partitions no leader in time. */
export class TopicsNotReadyError extends Error {
  readonly type = 'topics-not-ready' as const;
  constructor(
    readonly topics: readonly string[],
    timeoutMs: number,
  ) {
    super(`the partitions of ${topics.join(', ')} have no leader after ${timeoutMs / 1000} s`);
    this.name = 'TopicsNotReadyError';
  }
}
