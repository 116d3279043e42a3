import { partitionOf } from '@journey/event-store';
import { Partitioners, type ICustomPartitioner, type PartitionerArgs } from 'kafkajs';

/**
 * The partitioner of every producer of the engine: a message keyed by a customer (or anonymous)
 * id goes to the partition the engine's customer partitions use for the same id (Kafka's
 * murmur2, as kafkajs's default partitioner and the Java client compute it). Messages without a
 * key or with a binary key, or that name their partition, are left to kafkajs's default.
 */
export const customerPartitioner: ICustomPartitioner = () => {
  const fallback = Partitioners.DefaultPartitioner();
  return (args: PartitionerArgs): number => {
    const { key, partition } = args.message;
    if ((partition === undefined || partition === null) && typeof key === 'string') return partitionOf(key, args.partitionMetadata.length);
    return fallback(args);
  };
};
