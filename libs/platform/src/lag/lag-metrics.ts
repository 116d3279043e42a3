import { Gauge, type Registry } from 'prom-client';
import type { LagMonitor } from './lag-monitor';

/**
 * `journey_consumer_lag_events` and `_seconds`, labelled by consumer (every row of
 * journey.checkpoints), read when Prometheus scrapes. The label sets are rebuilt on each scrape,
 * so a removed consumer disappears and their number stays that of the checkpoints.
 */
export function consumerLagMetrics(registry: Registry, monitor: LagMonitor): void {
  const gauge = (name: string, help: string, pick: (lag: { events: number; seconds: number }) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['consumer'],
      registers: [registry],
      // Every worker of a cluster reads the same checkpoints: the lag is one, not a share of it.
      aggregator: 'max',
      async collect() {
        this.reset();
        const lags = await monitor.lags().catch(() => []);
        for (const lag of lags) this.set({ consumer: lag.name }, pick(lag));
      },
    });
  };
  gauge('journey_consumer_lag_events', 'Events committed but not yet handled by the consumer (exact up to 10,000, estimated beyond)', (lag) => lag.events);
  gauge('journey_consumer_lag_seconds', 'Age of the oldest event the consumer has not yet handled', (lag) => lag.seconds);
}
