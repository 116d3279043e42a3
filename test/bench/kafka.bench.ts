/**
 * npm run bench:kafka — Kafka ingest beside HTTP ingest, each figure beside the raw insert
 * ceiling C measured in the same run. It measures ingest alone: the ingest service (no projector
 * or saga) consuming a backlog already on the topic, and the same service answering HTTP.
 * Uses the broker at KAFKA_BROKERS, or starts one with infra/scripts/kafka-local.mjs. Writes its
 * section of docs/benchmarks.md and docs/benchmarks.json. DURATION (seconds per HTTP point,
 * default 5), RUNS (default 3) and MESSAGES (the backlog per run, default 60,000) tune it.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { EngineProcess, PROCESS_ADMIN_KEY } from '../support/engine-process';
import { LocalKafkaBroker } from '../support/local-kafka-broker';
import { until } from '../support/until';
import { postLoad } from './load-generator';
import { benchDatabaseUrl, ceiling, commitOf, describeMachine, fmt, freshJourneySchema, median, purchaseData, recordResults, spreadOf, Streams, type Machine } from './bench-support';

const DURATION = Number(process.env.DURATION ?? 5);
const RUNS = Number(process.env.RUNS ?? 3);
const MESSAGES = Number(process.env.MESSAGES ?? 60_000);
const PARTITIONS = 16;

interface Point {
  readonly id: string;
  readonly label: string;
  readonly kind: 'ceiling' | 'http' | 'kafka';
  readonly perCall: number;
  readonly callers: number;
}

const POINTS: Point[] = [
  { id: 'ceiling', label: 'raw INSERT … SELECT FROM unnest, 1,000-row batches, 2 connections (C)', kind: 'ceiling', perCall: 1000, callers: 2 },
  { id: 'http-1x64', label: 'HTTP ingest, 1 event per request, 64 connections', kind: 'http', perCall: 1, callers: 64 },
  { id: 'http-500x8', label: 'HTTP ingest, 500 events per request, 8 connections', kind: 'http', perCall: 500, callers: 8 },
  { id: 'kafka', label: `Kafka ingest, 1 event per message, a backlog on ${PARTITIONS} partitions`, kind: 'kafka', perCall: 1, callers: PARTITIONS },
];

/** One purchase as upstream apps send it, as JSON, to a stream picked among 10,000. */
function eventJson(streams: Streams, data: string): { key: string; value: string } {
  const customerId = streams.pick().slice('customer-'.length);
  const value =
    `{"eventId":"${randomUUID()}","type":"PurchaseCompleted","customerId":"${customerId}",` +
    `"occurredAt":"${new Date().toISOString()}","source":"shop","data":${data},"metadata":{"correlationId":"req"}}`;
  return { key: customerId, value };
}

async function http(url: string, point: Point): Promise<number> {
  const engine = new EngineProcess({ DATABASE_URL: url, LOG_LEVEL: 'info', JOURNEY_RATE_LIMITS: 'off' }, 'ingest');
  await engine.start();
  try {
    const streams = new Streams();
    const data = JSON.stringify(purchaseData(1));
    const body = () => (point.perCall === 1 ? eventJson(streams, data).value : `{"events":[${Array.from({ length: point.perCall }, () => eventJson(streams, data).value).join(',')}]}`);
    const load = (seconds: number) =>
      postLoad({ url: engine.url, path: '/v1/events', connections: point.callers, seconds, headers: { 'content-type': 'application/json', authorization: `Bearer ${PROCESS_ADMIN_KEY}` }, body });
    // The service was just started: its first second (compiling the hot path) is not measured.
    await load(1);
    const result = await load(DURATION);
    if (result.failed > 0) throw new Error(`${point.id}: ${result.failed} answers that are not 2xx (${JSON.stringify([...result.statuses])})`);
    return (result.ok * point.perCall) / result.seconds;
  } finally {
    await engine.stop();
  }
}

/** Puts MESSAGES events on a fresh topic before the service starts: the consumer then runs flat out. */
async function produceBacklog(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: false, topics: [{ topic, numPartitions: PARTITIONS }] });
  await until(async () => ((await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined))?.topics[0]?.partitions.every((p) => p.leader >= 0) ? true : undefined), 120_000, `leaders of ${topic}`);
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const streams = new Streams();
  const data = JSON.stringify(purchaseData(1));
  for (let sent = 0; sent < MESSAGES; sent += 5000) {
    const messages: Message[] = Array.from({ length: Math.min(5000, MESSAGES - sent) }, () => eventJson(streams, data));
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
}

async function stored(client: Client): Promise<number> {
  const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM journey.events');
  return rows[0]!.n;
}

/**
 * The ingest service consuming the backlog: events/s from its first stored event to the last
 * (its start and the group's join are not counted).
 */
async function kafkaIngest(url: string, brokers: string, kafka: Kafka): Promise<number> {
  const topic = `journey-bench-${randomUUID().slice(0, 8)}.events`;
  await produceBacklog(kafka, topic);
  const client = new Client({ connectionString: url });
  await client.connect();
  const engine = new EngineProcess(
    { DATABASE_URL: url, LOG_LEVEL: 'info', KAFKA_BROKERS: brokers, JOURNEY_KAFKA_INGEST_TOPIC: topic, JOURNEY_KAFKA_DEAD_LETTER_TOPIC: `${topic}.dead-letter`, JOURNEY_KAFKA_GROUP: `${topic}-group` },
    'ingest',
  );
  await engine.start();
  try {
    const first = await until(async () => {
      const n = await stored(client);
      return n > 0 ? { n, at: performance.now() } : undefined;
    }, 300_000, 'the first event consumed');
    const last = await until(async () => {
      const n = await stored(client);
      return n >= MESSAGES ? { n, at: performance.now() } : undefined;
    }, 1_800_000, `${MESSAGES} events consumed`);
    return (last.n - first.n) / ((last.at - first.at) / 1000);
  } finally {
    await engine.stop();
    await client.end();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, `${topic}.dead-letter`] }).catch(() => undefined);
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0]!;
  const url = await benchDatabaseUrl('journey_bench');
  const machine = await describeMachine(url);
  let local: LocalKafkaBroker | undefined;
  let brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    local = new LocalKafkaBroker();
    await local.start();
    brokers = local.brokers;
  }
  const kafka = new Kafka({ clientId: 'journey-bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const results = new Map<string, number[]>(POINTS.map((p) => [p.id, []]));
  try {
    for (let run = 1; run <= RUNS; run++) {
      for (const point of POINTS) {
        await freshJourneySchema(url);
        const value = point.kind === 'ceiling' ? await ceiling(url, DURATION) : point.kind === 'http' ? await http(url, point) : await kafkaIngest(url, brokers, kafka);
        results.get(point.id)!.push(value);
        process.stdout.write(`run ${run}: ${point.label}: ${fmt(value)} events/s\n`);
      }
    }
  } finally {
    await local?.destroy();
  }
  write(machine, brokers, local !== undefined, results, [loadAtStart, loadavg()[0]!]);
}

function write(machine: Machine, brokers: string, local: boolean, results: ReadonlyMap<string, number[]>, load: readonly number[]): void {
  const date = new Date().toISOString();
  const commit = commitOf();
  const ceilings = results.get('ceiling')!;
  const rows = POINTS.map((point) => {
    const runs = results.get(point.id)!;
    return { point, runs, ratio: median(runs.map((value, i) => value / ceilings[i]!)) };
  });
  const heading = '## Kafka ingest beside HTTP ingest (`npm run bench:kafka`)';
  const section = [
    heading,
    '',
    `Measured ${date} on commit ${commit}: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os},`,
    `Node ${machine.node}, PostgreSQL ${machine.postgres} (stock settings, synchronous commit on), over TCP on 127.0.0.1;`,
    `${local ? 'a one-node Apache Kafka broker from `npm run kafka:local`' : `the broker at ${brokers}`} on the same machine.`,
    `Command: \`npm run bench:kafka\` (${RUNS} runs; HTTP points ${DURATION} s after 1 s of warm-up; Kafka: a backlog of ${fmt(MESSAGES)} messages; each run measures C first).`,
    // Other work on the machine moves every figure; the ratios to C of the same run much less.
    `The machine's load average (1 min) was ${load[0]!.toFixed(1)} at the start and ${load[1]!.toFixed(1)} at the end, on ${machine.cores} cores.`,
    '',
    'It measures ingest alone: the ingest service (services/ingest, no projector or saga beside it)',
    'appending purchases of about 400 bytes to streams picked among 10,000, on an empty store. Over',
    `HTTP, the load generator runs beside it. Over Kafka, the backlog is on a topic of ${PARTITIONS} partitions`,
    'before the service starts, one event per message keyed by customer; the rate runs from its',
    'first stored event to the last, so the start and the group join are not counted, and nothing',
    'produces meanwhile. The ratio is the median over the runs of (figure ÷ C of the same run).',
    '',
    '| scenario | events/s (median) | min–max | ratio to C |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map(({ point, runs, ratio }) => `| ${point.label} | ${fmt(median(runs))} | ${fmt(Math.min(...runs))}–${fmt(Math.max(...runs))} | ${point.kind === 'ceiling' ? '1.000 C' : `${ratio.toFixed(3)} C`} |`),
    '',
  ].join('\n');
  const file = recordResults(heading, section, 'kafka', {
    date,
    commit,
    machine,
    command: 'npm run bench:kafka',
    runs: RUNS,
    durationSeconds: DURATION,
    messages: MESSAGES,
    loadAverage: { start: load[0], end: load[1] },
    points: rows.map(({ point, runs, ratio }) => ({ id: point.id, label: point.label, eventsPerSecond: spreadOf(runs), ratioToCeiling: ratio })),
  });
  process.stdout.write(`\n${section}\nwritten to ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
