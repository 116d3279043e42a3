import cluster from 'node:cluster';
import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Registry } from 'prom-client';
import { METRICS } from '../../tokens';
import { PrimaryMetrics, shareWorkerMetrics } from './cluster-metrics';
import { ReadMetricsQuery } from './read-metrics.query';

@QueryHandler(ReadMetricsQuery)
export class ReadMetricsHandler implements IQueryHandler<ReadMetricsQuery> {
  /** In a cluster worker (JOURNEY_WORKERS), the primary answers for all the workers together. */
  private readonly primary: PrimaryMetrics | undefined;

  constructor(@Inject(METRICS) private readonly registry: Registry) {
    if (cluster.isWorker) {
      shareWorkerMetrics(registry);
      this.primary = new PrimaryMetrics();
    }
  }

  async execute(): Promise<{ readonly contentType: string; readonly text: string }> {
    const text = this.primary ? await this.primary.read() : await this.registry.metrics();
    return { contentType: this.registry.contentType, text };
  }
}
