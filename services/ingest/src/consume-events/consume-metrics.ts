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
    // Workers of a cluster that held a partition in turn report its lag as they last saw it: the larger counts.
    aggregator: 'max',
  });
  return {
    consumed(report) {
      messages.inc({ outcome: 'appended' }, report.appended);
      messages.inc({ outcome: 'duplicate' }, report.duplicates);
      messages.inc({ outcome: 'dead_letter' }, report.deadLetters.length);
    },
    lag(topic, partition, count) {
      lag.set({ topic, partition: String(partition) }, count);
    },
  };
}
