import { Inject, type BeforeApplicationShutdown, type OnApplicationBootstrap, type Provider } from '@nestjs/common';
import type { Database } from '@journey/database';
import type { Registry } from 'prom-client';
import type { JourneyConfig } from '../config';
import { CONFIG, DATABASE, METRICS } from '../tokens';
import { AdmissionGate } from './admission-gate';
import { consumerLagMetrics } from './lag-metrics';
import { LagMonitor } from './lag-monitor';
import { PARTITIONS, PartitionRegistry, partitionMetrics } from '../partitions/partition-registry';

/** The process's LagMonitor, read by /metrics, /health and the admission gate. */
export const LAG_MONITOR = Symbol('LAG_MONITOR');
/** The process's AdmissionGate for ingest (open unless JOURNEY_ADMISSION_* limits are set). */
export const ADMISSION = Symbol('ADMISSION');

class AdmissionLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(ADMISSION) private readonly gate: AdmissionGate) {}

  onApplicationBootstrap(): void {
    this.gate.start();
  }

  beforeApplicationShutdown(): void {
    this.gate.stop();
  }
}

export const LAG_PROVIDERS: Provider[] = [
  {
    provide: LAG_MONITOR,
    inject: [DATABASE, METRICS],
    useFactory: (db: Database, registry: Registry) => {
      const monitor = new LagMonitor(db);
      consumerLagMetrics(registry, monitor);
      return monitor;
    },
  },
  {
    provide: ADMISSION,
    inject: [LAG_MONITOR, CONFIG],
    useFactory: (monitor: LagMonitor, config: JourneyConfig) => new AdmissionGate(() => monitor.lags(), config.admission),
  },
  AdmissionLifecycle,
  {
    provide: PARTITIONS,
    inject: [METRICS],
    useFactory: (registry: Registry) => {
      const partitions = new PartitionRegistry();
      partitionMetrics(registry, partitions);
      return partitions;
    },
  },
];
