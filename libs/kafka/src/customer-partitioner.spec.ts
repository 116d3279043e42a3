import { partitionOf } from '@journey/event-store';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { customerPartitioner } from './customer-partitioner';

const metadata = (count: number): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0, offlineReplicas: [] }));

describe('customer partitioner', () => {
  it('puts a customer’s messages where kafkajs’s default partitioner does, and where the engine’s partitions do', () => {
    const ours = customerPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    for (let i = 0; i < 300; i++) {
      const message = { key: `c-${i}`, value: '{}' };
      const args = { topic: 'journey.integration', partitionMetadata: metadata(16), message };
      expect(ours(args)).toBe(theirs(args));
      expect(ours(args)).toBe(partitionOf(`c-${i}`, 16));
    }
  });

  it('keeps a partition the message names', () => {
    expect(customerPartitioner()({ topic: 't', partitionMetadata: metadata(16), message: { key: 'c-1', value: '', partition: 3 } })).toBe(3);
  });
});
