import type { Database } from './database';
import { PgDatabase } from './pg-database';
import { PgliteDatabase } from './pglite-database';

export interface DatabaseConfig {
  /** A PostgreSQL URL; without one, the embedded PGlite runs on `dataDir`. */
  readonly url?: string;
  readonly dataDir?: string;
  readonly poolSize?: number;
  readonly applicationName?: string;
}

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.url) {
    return new PgDatabase({ url: config.url, poolSize: config.poolSize, applicationName: config.applicationName });
  }
  return PgliteDatabase.open(config.dataDir);
}
