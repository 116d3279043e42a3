import type { MigrationReport } from '@journey/database';

/** Injection tokens of the platform's shared objects. */
export const CONFIG = Symbol('CONFIG');
export const LOGGER = Symbol('LOGGER');
export const METRICS = Symbol('METRICS');
export const DATABASE = Symbol('DATABASE');
/** `() => Date`: the present, replaceable in tests. */
export const CLOCK = Symbol('CLOCK');

export type Clock = () => Date;
/** The ApiKeyStore and the AccessLog of the process. */
export const API_KEYS = Symbol('API_KEYS');
export const ACCESS_LOG = Symbol('ACCESS_LOG');
/** The PiiVault of the process: seals and opens personal data, forgets subjects. */
export const VAULT = Symbol('VAULT');
/** What migrating the database did as the process opened it (`MigrationsAtOpen`). */
export const MIGRATIONS = Symbol('MIGRATIONS');

export interface MigrationsAtOpen {
  report?: MigrationReport;
}
