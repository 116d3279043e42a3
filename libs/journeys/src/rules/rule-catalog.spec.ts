import type { Database, QueryResult } from '@journey/database';
import { ruleCatalog, RULES_CHANNEL } from './rule-catalog';

/** A database with no rules that counts reads of the rules and listeners, and can notify them. */
function fakeDatabase() {
  const listeners = new Set<() => void>();
  const counts = { reads: 0, listening: 0, notified: 0 };
  const db = {
    kind: 'postgres',
    concurrency: 4,
    async query<R extends object>(): Promise<QueryResult<R>> {
      counts.reads++;
      return { rows: [], rowCount: 0 };
    },
    exec: async () => undefined,
    transaction: async () => undefined,
    close: async () => undefined,
    async notify(channel: string) {
      if (channel === RULES_CHANNEL) counts.notified++;
      for (const listener of listeners) listener();
    },
    async listen(_channel: string, onNotify: () => void) {
      listeners.add(onNotify);
      counts.listening = listeners.size;
      return async () => {
        listeners.delete(onNotify);
        counts.listening = listeners.size;
      };
    },
  } as unknown as Database;
  return { db, counts };
}

describe('the rule catalog of a database', () => {
  it('is one per database in a process: the saga and the customer pass share it', () => {
    const { db } = fakeDatabase();
    expect(ruleCatalog(db)).toBe(ruleCatalog(db));
    expect(ruleCatalog(fakeDatabase().db)).not.toBe(ruleCatalog(db));
  });

  it('reads the rules and listens once however many open it, and stops listening when the last closes', async () => {
    const { db, counts } = fakeDatabase();
    const catalog = ruleCatalog(db);
    await Promise.all([catalog.open(), catalog.open()]);
    expect(counts).toMatchObject({ reads: 1, listening: 1 });

    await catalog.close();
    expect(counts.listening).toBe(1);
    await catalog.close();
    expect(counts.listening).toBe(0);
  });

  it('reads the rules again on a change made here, and tells the other processes', async () => {
    const { db, counts } = fakeDatabase();
    const catalog = ruleCatalog(db);
    await catalog.open();
    await catalog.changed();
    expect(counts.notified).toBe(1);
    // Its own notification comes back too: one read for the change, one for the notification.
    expect(counts.reads).toBe(3);
    await catalog.close();
  });
});
