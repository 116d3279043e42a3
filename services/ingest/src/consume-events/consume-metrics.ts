import { Counter, Gauge, type Registry } from 'prom-client';
import type { ConsumeObserver } from './kafka-ingest.consumer';

/** Messages consumed from the ingest topic by outcome, and how far each partition lags. */
export function consumeMetrics(registry: Registry): ConsumeObserver {
  const messages = new Counter({
    name: 'journey_kafka_ingest_messages_total',
    help: 'Messages of the Kafka ingest topic by outcome (appended, duplicate, dead_letter)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'journey_kafka_ingest_lag_messages',
    help: 'Messages of a partition of the ingest topic not yet consumed, as of the last batch',
    labelNames: ['topic', 'partition'],
    registers: [registry],
    // Only the worker holding a partition reports it (the others drop it when the group rebalances).
    aggregator: 'max',
  });
  const reported = new Map<string, Set<number>>();
  return {
    consumed(report) {
      messages.inc({ outcome: 'appended' }, report.appended);
      messages.inc({ outcome: 'duplicate' }, report.duplicates);
      messages.inc({ outcome: 'dead_letter' }, report.deadLetters.length);
    },
    lag(topic, partition, count) {
      lag.set({ topic, partition: String(partition) }, count);
      const partitions = reported.get(topic) ?? new Set<number>();
      reported.set(topic, partitions.add(partition));
    },
    assigned(topic, partitions) {
      const held = new Set(partitions);
      for (const partition of reported.get(topic) ?? []) {
        if (held.has(partition)) continue;
        // Another consumer holds it now: its lag as last seen here would stand for ever.
        lag.remove({ topic, partition: String(partition) });
        reported.get(topic)!.delete(partition);
      }
    },
  };
}
