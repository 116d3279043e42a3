import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSProtocolError, type Message, type ProducerRecord } from 'kafkajs';
import type { LazyKafkaProducer } from '@journey/kafka';
import type { DeadLetter } from './dead-letter';
import { errorsHeader, isRefusedByBroker, KafkaDeadLetterTopic, MAX_ERRORS_HEADER_BYTES } from './kafka-dead-letter-topic';

/** A protocol error as kafkajs makes it from the broker's error code. */
const protocolError = (type: string, code: number, retriable: boolean, message: string) => new KafkaJSProtocolError(Object.assign(new Error(message), { type, code, retriable }));
const tooLarge = () => protocolError('MESSAGE_TOO_LARGE', 10, false, 'The request included a message larger than the max message size the server will accept');

/** A broker that takes records of at most `maxBytes` (value and headers), each send as one batch, as Kafka does. */
class FakeBroker {
  readonly taken: Message[] = [];
  constructor(private readonly maxBytes: number) {}
  readonly producer = {
    send: (record: ProducerRecord): Promise<void> => {
      const bytes = record.messages.reduce((sum, m) => sum + (m.value?.length ?? 0) + JSON.stringify(m.headers ?? {}).length, 0);
      if (bytes > this.maxBytes) return Promise.reject(tooLarge());
      this.taken.push(...record.messages);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  } as unknown as LazyKafkaProducer;
}

const letter = (offset: number, valueBytes: number): DeadLetter => ({
  message: { topic: 'journey.events', partition: 2, offset: String(offset), key: Buffer.from('c-1'), value: Buffer.alloc(valueBytes, 0x61) },
  errors: [{ field: 'value', reason: 'is not JSON' }],
});

describe('the dead-letter topic', () => {
  it('republishes refused messages as they came, with their place and reasons in headers', async () => {
    const broker = new FakeBroker(10_000);
    await new KafkaDeadLetterTopic(broker.producer, 'dlt').record([letter(7, 10), letter(8, 10)]);
    expect(broker.taken.map((m) => [m.key!.toString(), m.value!.length, m.headers!['journey-source-offset']])).toEqual([['c-1', 10, '7'], ['c-1', 10, '8']]);
    expect(JSON.parse(String(broker.taken[0]!.headers!['journey-errors']))).toEqual([{ field: 'value', reason: 'is not JSON' }]);
  });

  it('sends a message the broker refuses as a stub without its value, and the others of the run as they came', async () => {
    const broker = new FakeBroker(5000);
    await new KafkaDeadLetterTopic(broker.producer, 'dlt').record([letter(1, 3000), letter(2, 6000), letter(3, 3000)]);
    expect(broker.taken.map((m) => [m.headers!['journey-source-offset'], m.value?.length ?? null])).toEqual([['1', 3000], ['2', null], ['3', 3000]]);
    expect(broker.taken[1]).toMatchObject({ key: Buffer.from('c-1'), headers: { 'journey-value-omitted': expect.stringMatching(/refused the dead letter: The request included a message larger/) } });
    expect(JSON.parse(String(broker.taken[1]!.headers!['journey-errors']))).toEqual([{ field: 'value', reason: 'is not JSON' }]);
  });

  it('throws when the broker cannot be reached, so the run is consumed again', async () => {
    const producer = { send: () => Promise.reject(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED')), close: () => Promise.resolve() } as unknown as LazyKafkaProducer;
    await expect(new KafkaDeadLetterTopic(producer, 'dlt').record([letter(1, 10)])).rejects.toBeInstanceOf(KafkaJSConnectionError);
  });

  it('tells a refusal of the records, thrown as is or as a cause, from an outage', () => {
    expect(isRefusedByBroker(tooLarge())).toBe(true);
    // As kafkajs's retrier wraps a refusal.
    expect(isRefusedByBroker(Object.assign(new KafkaJSNonRetriableError(tooLarge()), { cause: tooLarge() }))).toBe(true);
    expect(isRefusedByBroker(new KafkaJSConnectionError('Connection error'))).toBe(false);
    expect(isRefusedByBroker(protocolError('NOT_LEADER_FOR_PARTITION', 6, true, 'not the leader'))).toBe(false);
  });

  it('keeps the reasons header under its limit, counting the reasons left out', () => {
    const errors = Array.from({ length: 51 }, (_, i) => ({ field: `data.items[${i}].${'k'.repeat(900)}`, reason: 'is not a known field' }));
    const header = errorsHeader(errors);
    expect(Buffer.byteLength(header)).toBeLessThanOrEqual(MAX_ERRORS_HEADER_BYTES);
    const kept = JSON.parse(header) as Array<{ field: string; reason: string }>;
    expect(kept.slice(0, -1)).toEqual(errors.slice(0, kept.length - 1));
    expect(kept.at(-1)).toEqual({ field: '', reason: `and ${errors.length - kept.length + 1} more problems, not listed` });
  });
});
