import { Gauge, type Registry } from 'prom-client';
import type { PartitionLeases, PartitionLeaseStatus } from '@journey/event-store';

/** The PartitionRegistry of the process: the lease groups its consumers hold partitions in. */
export const PARTITIONS = Symbol('PARTITIONS');

/**
 * The partition leases of this process's consumers (the customer projection, the saga), for
 * /health and /metrics: which partitions each group holds here, and how many processes share them.
 */
export class PartitionRegistry {
  private readonly groups = new Map<string, PartitionLeases>();

  register(leases: PartitionLeases): void {
    this.groups.set(leases.group, leases);
  }

  statuses(): PartitionLeaseStatus[] {
    return [...this.groups.values()].map((leases) => leases.status());
  }
}

/** `journey_partitions_owned` and `journey_partition_members`, labelled by group. */
export function partitionMetrics(registry: Registry, partitions: PartitionRegistry): void {
  const gauge = (name: string, help: string, aggregator: 'sum' | 'max', pick: (status: PartitionLeaseStatus) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['group'],
      registers: [registry],
      aggregator,
      collect() {
        this.reset();
        for (const status of partitions.statuses()) this.set({ group: status.group }, pick(status));
      },
    });
  };
  // Across the workers of a cluster: the partitions they hold add up; the members are one count each sees.
  gauge('journey_partitions_owned', 'Customer partitions this process holds (with JOURNEY_WORKERS, its workers together), per consumer group', 'sum', (status) => status.owned.length);
  gauge('journey_partition_members', 'Processes sharing the customer partitions of the group, as this process last saw', 'max', (status) => status.members);
}
