import { murmur2, partitionKeyOfStream, partitionOf, partitionOfStream } from './partition-key';

// kafkajs's own default partitioner hash, the reference the topics are partitioned by.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: string) => number;

describe('partition key', () => {
  it('hashes as the Java client does (values from Kafka’s UtilsTest)', () => {
    expect(murmur2('21')).toBe(-973932308);
    expect(murmur2('foobar')).toBe(-790332482);
    expect(murmur2('a-little-bit-long-string')).toBe(-985981536);
    expect(murmur2('a-little-bit-longer-string')).toBe(-1486304829);
    expect(murmur2('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8')).toBe(-58897971);
    expect(murmur2('abc')).toBe(479470107);
  });

  it('agrees with kafkajs’s default partitioner on every key length and on non-ASCII keys', () => {
    const keys = ['', 'a', 'ab', 'abc', 'abcd', 'c-000123', 'visitor-ß', 'émile@example.com', '東京-42'];
    for (let i = 0; i < 500; i++) keys.push(`customer-${i * 7919}`);
    for (const key of keys) expect(murmur2(key)).toBe(kafkajsMurmur2(key));
  });

  it('places a key in 0..count-1, the same partition every time', () => {
    for (let i = 0; i < 200; i++) {
      const p = partitionOf(`c-${i}`, 16);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(16);
      expect(partitionOf(`c-${i}`, 16)).toBe(p);
    }
  });

  it('spreads customers over the partitions', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[partitionOf(`c-${i}`, 16)]!++;
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });

  it('keys a stream by its customer or anonymous id, as the Kafka messages are keyed', () => {
    expect(partitionKeyOfStream('customer-c-1')).toBe('c-1');
    expect(partitionKeyOfStream('visitor-v-1')).toBe('v-1');
    expect(partitionKeyOfStream('journey-event-id-x')).toBe('journey-event-id-x');
    expect(partitionOfStream('customer-c-1', 16)).toBe(partitionOf('c-1', 16));
  });
});
