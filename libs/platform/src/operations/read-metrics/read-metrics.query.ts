import { Query } from '@nestjs/cqrs';

/** The process's metrics in the Prometheus text format. */
export class ReadMetricsQuery extends Query<{ readonly contentType: string; readonly text: string }> {}
