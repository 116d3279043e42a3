import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Registry } from 'prom-client';
import { METRICS } from '../../tokens';
import { ReadMetricsQuery } from './read-metrics.query';

@QueryHandler(ReadMetricsQuery)
export class ReadMetricsHandler implements IQueryHandler<ReadMetricsQuery> {
  constructor(@Inject(METRICS) private readonly registry: Registry) {}

  async execute(): Promise<{ readonly contentType: string; readonly text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
