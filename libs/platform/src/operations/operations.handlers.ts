import { CheckHealthHandler } from './check-health/check-health.handler';
import { MigrateDatabaseHandler } from './migrate-database/migrate-database.handler';
import { ReadMetricsHandler } from './read-metrics/read-metrics.handler';

/** The handlers of /health and /metrics, and of migrating the database. */
export const OPERATIONS_HANDLERS = [CheckHealthHandler, ReadMetricsHandler, MigrateDatabaseHandler];
