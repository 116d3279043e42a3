import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AppendObserver } from '@journey/event-store/postgres';
import type { Database } from '@journey/database';

/** The engine's Prometheus registry with the process metrics. */
export function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'journey_process_' });
  return registry;
}

/** Appends, append latency and group-commit batch sizes, fed by the event store's writer. */
export function appendMetrics(registry: Registry): AppendObserver {
  // Resends get their own counter, not a label: readers sum every series of the events counter.
  const events = new Counter({
    name: 'journey_append_events_total',
    help: 'Events appended to the log (resends answered as already stored and refused calls not counted)',
    registers: [registry],
  });
  const duplicates = new Counter({
    name: 'journey_append_duplicates_total',
    help: 'Events resent and answered as already stored (nothing written)',
    registers: [registry],
  });
  const calls = new Counter({
    name: 'journey_append_calls_total',
    help: 'Append calls by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'journey_append_latency_seconds',
    help: 'From an append call to its commit (queueing included)',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const batchEvents = new Histogram({
    name: 'journey_group_commit_batch_events',
    help: 'Events submitted per group-commit batch',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096],
    registers: [registry],
  });
  const batchCalls = new Histogram({
    name: 'journey_group_commit_batch_calls',
    help: 'Append calls combined in one group-commit batch',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [registry],
  });
  const batchSeconds = new Histogram({
    name: 'journey_group_commit_batch_seconds',
    help: 'Time to write one group-commit batch',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  return {
    batchWritten(report) {
      events.inc(report.appended);
      duplicates.inc(report.duplicates);
      batchEvents.observe(report.submitted);
      batchCalls.observe(report.calls);
      batchSeconds.observe(report.seconds);
    },
    callSettled(seconds, ok) {
      latency.observe(seconds);
      calls.inc({ outcome: ok ? 'ok' : 'error' });
    },
  };
}

/**
 * The age of the oldest open transaction: while it stays open, readers of the global order
 * cannot pass it (the safe horizon), so a growing value means stalled subscribers.
 */
export function horizonMetrics(registry: Registry, db: Database): void {
  new Gauge({
    name: 'journey_safe_horizon_age_seconds',
    help: 'Age of the oldest open transaction holding back the safe horizon of the global order',
    registers: [registry],
    // Every worker of a cluster reads the same database: the same age, not a share of it.
    aggregator: 'max',
    async collect() {
      try {
        const { rows } = await db.query<{ age: number | string | null }>(
          `SELECT extract(epoch FROM now() - min(xact_start))::float8 AS age
           FROM pg_stat_activity
           WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()`,
        );
        this.set(Number(rows[0]?.age ?? 0));
      } catch {
        this.set(Number.NaN);
      }
    },
  });
}

/** The delay from an event's recording to its effect in the customer 360 (lag gauges: lag/lag-metrics.ts). */
export function projectionMetrics(registry: Registry): (delaysSeconds: readonly number[]) => void {
  const delay = new Histogram({
    name: 'journey_projection_delay_seconds',
    help: 'From an event being recorded to its effect in the customer 360',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  return (delays) => {
    for (const seconds of delays) delay.observe(seconds);
  };
}
