import { AggregatorRegistry } from 'prom-client';
import type { Database } from '@journey/database';
import type { PartitionLeases } from '@journey/event-store';
import { consumerLagMetrics } from './lag/lag-metrics';
import type { LagMonitor } from './lag/lag-monitor';
import { appendMetrics, createRegistry, horizonMetrics } from './metrics';
import { PartitionRegistry, partitionMetrics } from './partitions/partition-registry';

/** One worker's registry, as the engine fills it: `appended` events, `owned` partitions of 8, one database seen alike. */
async function workerMetrics(appended: number, owned: number[]): Promise<object[]> {
  const registry = createRegistry();
  const observer = appendMetrics(registry);
  observer.batchWritten({ calls: 1, submitted: appended, appended, duplicates: 0, seconds: 0.001, attempts: 1 });
  horizonMetrics(registry, { query: async () => ({ rows: [{ age: 7 }] }) } as unknown as Database);
  const partitions = new PartitionRegistry();
  partitions.register({ group: 'customer-360', status: () => ({ group: 'customer-360', member: 'm', count: 8, owned, members: 2 }) } as unknown as PartitionLeases);
  partitionMetrics(registry, partitions);
  consumerLagMetrics(registry, { lags: async () => [{ name: 'saga', events: 40, seconds: 3 }] } as unknown as LagMonitor);
  return registry.getMetricsAsJSON();
}

/** The value of an unlabelled metric (or of `name{labels}`) in the Prometheus text. */
function valueOf(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : Number.NaN;
}

describe("the engine's metrics gathered from two workers (JOURNEY_WORKERS=2)", () => {
  let text: string;

  beforeAll(async () => {
    const workers = [await workerMetrics(20, [0, 1, 2, 3]), await workerMetrics(5, [4, 5, 6, 7])];
    text = await AggregatorRegistry.aggregate(workers).metrics();
  });

  it('adds up what each worker did: events appended, partitions held', () => {
    expect(valueOf(text, 'journey_append_events_total')).toBe(25);
    expect(valueOf(text, 'journey_group_commit_batch_events_count')).toBe(2);
    expect(valueOf(text, 'journey_partitions_owned{group="customer-360"}')).toBe(8);
  });

  it('counts once what every worker sees alike in the database: members, lags, the horizon age', () => {
    expect(valueOf(text, 'journey_partition_members{group="customer-360"}')).toBe(2);
    expect(valueOf(text, 'journey_consumer_lag_events{consumer="saga"}')).toBe(40);
    expect(valueOf(text, 'journey_consumer_lag_seconds{consumer="saga"}')).toBe(3);
    expect(valueOf(text, 'journey_safe_horizon_age_seconds')).toBe(7);
  });
});
