export * from './database';
export * from './errors';
export * from './open-database';
export * from './migrations';
export * from './sql-functions';
export { PgDatabase } from './pg-database';
export { PgliteDatabase } from './pglite-database';
export { isUnavailable, isTransactionConflict, isTransient } from './unavailable';
export { afterInCommitOrder, belowHorizon, BELOW_HORIZON, COMMIT_ORDER } from './commit-order';
