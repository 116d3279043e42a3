import { PostgresEventStore } from '@journey/event-store/postgres';
import { migrate, PgDatabase, type Database } from '@journey/database';
import { PiiVault } from '@journey/privacy';
import { seed, storeSink } from '../../services/cli/src/seed/seed';
import { PROCESS_MASTER_KEY } from '../support/engine-process';
import { fmt } from './bench-support';

/** Generated customers have about this many events each over the default two years. */
const EVENTS_PER_CUSTOMER = 72;

/**
 * The event store as the engine opens it: with the vault that seals PII on append and opens it
 * on read, under the master key the benchmarks' engine processes are started with.
 */
export async function benchStore(db: Database): Promise<PostgresEventStore> {
  const vault = await PiiVault.open(db, Buffer.from(PROCESS_MASTER_KEY, 'base64'));
  return new PostgresEventStore(db, { vault });
}

/**
 * Fills the (migrated) database at `url` with the generated history of about `events` events
 * (`journey seed`, seed 1, PII sealed), unless it holds one already (`keep`, for a database
 * kept between runs). Returns how many events the log holds and how many customers made them.
 */
export async function seedHistory(url: string, events: number, options: { until?: Date; keep?: boolean } = {}): Promise<{ events: number; customers: number }> {
  const db = new PgDatabase({ url, poolSize: 6 });
  try {
    await migrate(db);
    const count = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey.events')).rows[0]!.n;
    const customers = Math.ceil(events / EVENTS_PER_CUSTOMER);
    if (!options.keep || (await count()) < events * 0.95) {
      process.stdout.write(`seeding ${fmt(customers)} customers (about ${fmt(events)} events${options.keep ? '; kept for the next run' : ''})\n`);
      const store = await benchStore(db);
      const now = new Date();
      const seeded = await seed(storeSink(store, now), { seed: 1, customers, until: options.until, concurrency: 4, batch: 1000, quiet: true }, now);
      await store.close();
      process.stdout.write(`seeded ${fmt(seeded.events)} events in ${Math.round(seeded.seconds)} s\n`);
    }
    return { events: await count(), customers };
  } finally {
    await db.close();
  }
}
