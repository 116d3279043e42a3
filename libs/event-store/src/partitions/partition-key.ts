import { CUSTOMER_STREAM_PREFIX, VISITOR_STREAM_PREFIX } from '@journey/contracts';

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/**
 * Kafka's murmur2 (the Java client's `Utils.murmur2`, which kafkajs's default partitioner
 * copies) of the key's UTF-8 bytes, as a signed 32-bit integer.
 */
export function murmur2(key: string): number {
  const data = Buffer.from(key, 'utf8');
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & ~3;
  const rest = length % 4;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition of a key among `count`: Kafka's default partitioner (positive murmur2 modulo count). */
export function partitionOf(key: string, count: number): number {
  return (murmur2(key) & 0x7fffffff) % count;
}

/**
 * The partition key of a stream: the customer id of a customer stream, the anonymous id of a
 * visitor stream (the keys Kafka messages carry), the stream id itself for any other stream.
 */
export function partitionKeyOfStream(streamId: string): string {
  if (streamId.startsWith(CUSTOMER_STREAM_PREFIX)) return streamId.slice(CUSTOMER_STREAM_PREFIX.length);
  if (streamId.startsWith(VISITOR_STREAM_PREFIX)) return streamId.slice(VISITOR_STREAM_PREFIX.length);
  return streamId;
}

export function partitionOfStream(streamId: string, count: number): number {
  return partitionOf(partitionKeyOfStream(streamId), count);
}
