import type { PartitionLeases } from '../event-store.port';
import { partitionOf } from './partition-key';

/** A process that holds every partition: one process alone (PGlite), or a test. */
export function allPartitions<S = unknown>(count: number): PartitionLeases<S> {
  const owned = new Set(Array.from({ length: count }, (_, i) => i));
  return {
    group: 'all',
    count,
    owned: () => owned,
    onChange: () => () => undefined,
    holds: () => Promise.resolve(true),
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
    status: () => ({ group: 'all', member: 'this process', count, owned: [...owned], members: 1 }),
  };
}

/** Whether this process now holds a customer's partition; without leases, every customer is its own (one process). */
export function ownsCustomer(leases: PartitionLeases | undefined): ((customerId: string) => boolean) | undefined {
  return leases ? (customerId) => leases.owned().has(partitionOf(customerId, leases.count)) : undefined;
}

/** The name of a partition's checkpoint (journey.checkpoints) for a subscription. */
export function partitionCheckpointName(name: string, partition: number, count: number): string {
  return `${name}#${partition}/${count}`;
}

/** SQL matching the checkpoint rows of subscription `$1`: its single checkpoint or its partitions'. */
export const CHECKPOINTS_OF = `(name = $1 OR starts_with(name, $1 || '#'))`;

/** The subscription a checkpoint row belongs to (its partition's suffix removed). */
export function subscriptionOfCheckpoint(name: string): string {
  const at = name.indexOf('#');
  return at < 0 ? name : name.slice(0, at);
}
