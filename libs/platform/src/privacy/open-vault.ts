import type { Database } from '@journey/database';
import { sealStoredPii } from '@journey/event-store/postgres';
import { PiiVault } from '@journey/privacy';

/**
 * The vault of a process: the master key checked against the database, and the PII of events
 * stored before sealing existed sealed.
 */
export async function openVault(db: Database, masterKey: Buffer, say: (message: string) => void): Promise<PiiVault> {
  const vault = await PiiVault.open(db, masterKey);
  await vault.listen();
  const sealed = await sealStoredPii(db, vault);
  if (sealed.streams > 0) say(`sealed the personal data of ${sealed.events} stored events in ${sealed.streams} streams`);
  return vault;
}
