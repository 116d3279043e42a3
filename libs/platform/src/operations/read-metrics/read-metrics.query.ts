import { Query } from '@nestjs/cqrs';

/** The process's metrics in the Prometheus text format; in a cluster worker, those of every worker together. */
export class ReadMetricsQuery extends Query<{ readonly contentType: string; readonly text: string }> {}
