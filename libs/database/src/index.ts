export * from './database';
export * from './open-database';
export * from './migrations';
export { PgDatabase } from './pg-database';
export { PgliteDatabase } from './pglite-database';
export { isUnavailable, isTransactionConflict, isTransient } from './unavailable';
