import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, parseMasterKey, type JourneyConfig } from '../config';

export interface MasterKey {
  readonly key: Buffer;
  /** The file a new key was just written to (embedded default, first start). */
  readonly createdIn?: string;
}

/**
 * The master key: JOURNEY_MASTER_KEY; else, on the embedded default only, the one kept in the
 * data folder (made there at first start). A server database without one is refused: a key
 * made up on the spot would leave the PII it seals unreadable to the next process.
 */
export function resolveMasterKey(config: Pick<JourneyConfig, 'masterKey' | 'databaseUrl' | 'dataDir'>): MasterKey {
  if (config.masterKey) return { key: config.masterKey };
  if (config.databaseUrl) {
    throw new ConfigError([
      'JOURNEY_MASTER_KEY is required with DATABASE_URL: it wraps the keys that seal personal data (32 bytes in base64 or hex, e.g. openssl rand -base64 32)',
    ]);
  }
  const file = join(config.dataDir, 'master.key');
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    const problems: string[] = [];
    const key = parseMasterKey(text, problems);
    if (!key) throw new ConfigError([`${file} does not hold a master key: ${problems.join('; ')}`]);
    return { key };
  }
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  // 'wx': never overwrite a key another process has just written.
  try {
    writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return resolveMasterKey(config);
    throw error;
  }
  return { key, createdIn: file };
}

/** What to tell the operator when a key was made: it must be kept with the data. */
export function createdKeyNotice(file: string): string {
  return `created a master key in ${file}: back it up, without it the personal data of this folder cannot be read`;
}
