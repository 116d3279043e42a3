import { Registry } from 'prom-client';
import { consumeMetrics } from './consume-metrics';

describe('consumeMetrics', () => {
  it("reports a partition's lag only while this consumer holds it: a rebalance drops the others", async () => {
    const registry = new Registry();
    const observer = consumeMetrics(registry);
    observer.lag('journey.ingest', 0, 700);
    observer.lag('journey.ingest', 1, 300);
    observer.assigned!('journey.ingest', [1, 2]);
    const lags = (await registry.getSingleMetric('journey_kafka_ingest_lag_messages')!.get()).values;
    expect(lags.map(({ labels, value }) => [labels.partition, value])).toEqual([['1', 300]]);
  });
});
