import { PiiVault, PostgresEventStore, type Database } from '@journey/event-store';
import { PROCESS_MASTER_KEY } from '../support/engine-process';

/**
 * The event store as the engine opens it: with the vault that seals PII on append and opens it
 * on read, under the master key the benchmarks' engine processes are started with.
 */
export async function benchStore(db: Database): Promise<PostgresEventStore> {
  const vault = await PiiVault.open(db, Buffer.from(PROCESS_MASTER_KEY, 'base64'));
  return new PostgresEventStore(db, { vault });
}
