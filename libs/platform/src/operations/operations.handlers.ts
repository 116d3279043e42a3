import { CheckHealthHandler } from './check-health/check-health.handler';
import { ReadMetricsHandler } from './read-metrics/read-metrics.handler';

/** The handlers of /health and /metrics. */
export const OPERATIONS_HANDLERS = [CheckHealthHandler, ReadMetricsHandler];
