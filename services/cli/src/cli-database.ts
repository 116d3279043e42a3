import { migrate, openDatabase, type Database } from '@journey/database';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { createdKeyNotice, loadConfig, openVault, resolveMasterKey } from '@journey/platform';

/** The configured database, closed when `work` is done. */
export async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 4, applicationName: 'journey-cli' });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** The database, migrated, and its event store with the vault that seals and opens PII. */
export async function withStore<T>(work: (db: Database, store: PostgresEventStore) => Promise<T>): Promise<T> {
  const say = (message: string): void => void process.stderr.write(`${message}\n`);
  const masterKey = resolveMasterKey(loadConfig());
  if (masterKey.createdIn) say(createdKeyNotice(masterKey.createdIn));
  return withDatabase(async (db) => {
    await migrate(db);
    const vault = await openVault(db, masterKey.key, say);
    const store = new PostgresEventStore(db, { vault });
    try {
      return await work(db, store);
    } finally {
      await store.close();
      await vault.close();
    }
  });
}
