import { resolve } from 'node:path';

/** The engine's configuration, read from the environment once and checked before start-up. */
export interface JourneyConfig {
  readonly port: number;
  readonly host: string;
  /** PostgreSQL server; absent means the embedded PGlite in `dataDir`. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly poolSize: number;
  readonly writerSlots?: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export class ConfigError extends Error {
  readonly type = 'config' as const;
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): JourneyConfig {
  const problems: string[] = [];
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined) {
    let protocol = '';
    try {
      protocol = new URL(databaseUrl).protocol;
    } catch {
      problems.push('DATABASE_URL is not a URL (expected postgres://user@host:5432/database)');
    }
    if (protocol && protocol !== 'postgres:' && protocol !== 'postgresql:') {
      problems.push(`DATABASE_URL must be a postgres:// URL, got ${protocol}//…`);
    }
  }
  const logLevel = (env.LOG_LEVEL || 'info') as JourneyConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const config: JourneyConfig = {
    port: integer('PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    dataDir: resolve(env.JOURNEY_DATA_DIR || './data'),
    poolSize: integer('JOURNEY_DB_POOL_SIZE', 10, 2, 200),
    writerSlots: env.JOURNEY_WRITER_SLOTS ? integer('JOURNEY_WRITER_SLOTS', 3, 1, 32) : undefined,
    logLevel,
  };
  if (config.writerSlots !== undefined && config.writerSlots >= config.poolSize) {
    problems.push('JOURNEY_WRITER_SLOTS must be smaller than JOURNEY_DB_POOL_SIZE (readers need connections too)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
