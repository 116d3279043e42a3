import { randomUUID } from 'node:crypto';
import type { Kafka, Message, Producer } from 'kafkajs';
import type { Queryable } from '@journey/database';
import type { PostgresEventStore } from '@journey/event-store/postgres';
import type { ConsumeObserver, ConsumeReport } from '@journey/ingest';
import { sampleEvent } from './sample-events';
import { until } from './until';

/** What one consumer reports it did, summed over its runs of messages. */
export class ConsumeTally implements ConsumeObserver {
  appended = 0;
  duplicates = 0;
  deadLetters = 0;
  consumed(report: ConsumeReport): void {
    this.appended += report.appended;
    this.duplicates += report.duplicates;
    this.deadLetters += report.deadLetters.length;
  }
  lag(): void {}
  get messages(): number {
    return this.appended + this.duplicates + this.deadLetters;
  }
}

/**
 * Messages for the ingest topic in waves: good events of a few customers, keyed by customer,
 * and in each wave one message that holds no event (keyed `bad-<wave>`), remembered so that a
 * test can check the log and the dead letters against what was produced.
 */
export class IngestWaves {
  readonly customers = Array.from({ length: 24 }, () => `c-${randomUUID()}`);
  /** Event ids per customer, in the order produced. */
  readonly produced = new Map<string, string[]>(this.customers.map((c) => [c, []]));
  readonly badKeys: string[] = [];

  constructor(private readonly perWave: number) {}

  wave(index: number): Message[] {
    const messages: Message[] = [];
    for (let i = 0; i < this.perWave; i++) {
      const customerId = this.customers[(index * this.perWave + i) % this.customers.length]!;
      const event = sampleEvent('PageViewed', { customerId });
      this.produced.get(customerId)!.push(event.eventId);
      messages.push({ key: customerId, value: JSON.stringify(event) });
      if (i === Math.floor(this.perWave / 2)) {
        const key = `bad-${index}`;
        this.badKeys.push(key);
        messages.push({ key, value: `{"wave": ${index}, not an event` });
      }
    }
    return messages;
  }

  get events(): number {
    return [...this.produced.values()].reduce((n, ids) => n + ids.length, 0);
  }

  /** How many of the produced events the log holds. */
  async stored(db: Queryable): Promise<number> {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey.events WHERE stream_id = ANY($1::text[])', [
      this.customers.map((c) => `customer-${c}`),
    ]);
    return rows[0]!.n;
  }

  /** Each customer's stream as its event ids, to compare with `produced`. */
  async streams(store: PostgresEventStore): Promise<Map<string, string[]>> {
    const streams = new Map<string, string[]>();
    for (const customerId of this.customers) streams.set(customerId, (await store.readStream(`customer-${customerId}`)).map((e) => e.eventId));
    return streams;
  }
}

/** Sends the messages, again and again while the broker is away, until they are acknowledged. */
export async function sendUntilAcknowledged(producer: Producer, topic: string, messages: Message[]): Promise<void> {
  await until(
    () =>
      producer.send({ topic, acks: -1, messages }).then(
        () => true,
        () => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 500)),
      ),
    300_000,
    `the broker to acknowledge ${messages.length} messages on ${topic}`,
  );
}

/** The committed offset of every partition of the group equals the partition's end. */
export async function committedToTheEnd(kafka: Kafka, groupId: string, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const byPartition = new Map(committed!.partitions.map((p) => [p.partition, p.offset]));
    // -1 is "nothing committed": right only for a partition no message went to.
    return ends.every((end) => (byPartition.get(end.partition) ?? '-1').replace(/^-1$/, '0') === end.high);
  } finally {
    await admin.disconnect();
  }
}

/** How many members a consumer group has once it is stable (undefined while it rebalances). */
export async function groupMembers(kafka: Kafka, groupId: string): Promise<number | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [group] = (await admin.describeGroups([groupId])).groups;
    return group?.state === 'Stable' ? group.members.length : undefined;
  } finally {
    await admin.disconnect();
  }
}
