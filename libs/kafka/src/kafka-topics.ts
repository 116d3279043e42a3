import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Kafka } from 'kafkajs';

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
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.partitions,
          configEntries: Object.entries(topic.configs).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    return { created: missing.map((topic) => topic.name), existing: topics.filter((topic) => present.has(topic.name)).map((topic) => topic.name) };
  } finally {
    await admin.disconnect();
  }
}

function defaultTopicsFile(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'infra', 'kafka', 'topics.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`cannot find infra/kafka/topics.json above ${__dirname}`);
  }
}
