import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Kafka } from 'kafkajs';

export interface TopicDefinition {
  readonly name: string;
  readonly partitions: number;
  readonly configs: Readonly<Record<string, string>>;
}

interface TopicsFile {
  readonly ingest: Omit<TopicDefinition, 'name'>;
  readonly deadLetter: Omit<TopicDefinition, 'name'>;
}

/** The topics the Kafka ingest needs, as infra/kafka/topics.json defines them, under the configured names. */
export function ingestTopics(names: { readonly ingestTopic: string; readonly deadLetterTopic: string }, file = defaultTopicsFile()): TopicDefinition[] {
  const defined = JSON.parse(readFileSync(file, 'utf8')) as TopicsFile;
  return [
    { name: names.ingestTopic, partitions: defined.ingest.partitions, configs: defined.ingest.configs },
    { name: names.deadLetterTopic, partitions: defined.deadLetter.partitions, configs: defined.deadLetter.configs },
  ];
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
