import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config';
import { resolveMasterKey } from './master-key';

describe('the master key', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'journey-master-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('takes JOURNEY_MASTER_KEY in base64 or hex, and refuses anything but 32 bytes', () => {
    const key = Buffer.alloc(32, 9);
    expect(loadConfig({ JOURNEY_MASTER_KEY: key.toString('base64') }).masterKey).toEqual(key);
    expect(loadConfig({ JOURNEY_MASTER_KEY: key.toString('hex') }).masterKey).toEqual(key);
    expect(() => loadConfig({ JOURNEY_MASTER_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/JOURNEY_MASTER_KEY must be 32 bytes/);
    expect(() => loadConfig({ JOURNEY_MASTER_KEY: 'correct horse battery staple' })).toThrow(ConfigError);
  });

  it('is required with a PostgreSQL server', () => {
    expect(() => resolveMasterKey({ databaseUrl: 'postgres://db/journey', dataDir })).toThrow(/JOURNEY_MASTER_KEY is required with DATABASE_URL/);
  });

  it('is made once in the data folder of the embedded default, readable by its owner only, and kept', () => {
    const first = resolveMasterKey({ dataDir });
    expect(first.createdIn).toBe(join(dataDir, 'master.key'));
    expect(first.key).toHaveLength(32);
    expect(statSync(first.createdIn!).mode & 0o777).toBe(0o600);
    const second = resolveMasterKey({ dataDir });
    expect(second.createdIn).toBeUndefined();
    expect(second.key).toEqual(first.key);
    expect(readFileSync(first.createdIn!, 'utf8').trim()).toBe(first.key.toString('base64'));
  });

  it('prefers JOURNEY_MASTER_KEY to the file, and refuses a damaged file', () => {
    const configured = Buffer.alloc(32, 1);
    expect(resolveMasterKey({ dataDir, masterKey: configured }).key).toEqual(configured);
    writeFileSync(join(dataDir, 'master.key'), 'not a key\n');
    expect(() => resolveMasterKey({ dataDir })).toThrow(/does not hold a master key/);
  });
});
