import type { Database } from '@journey/database';
import { ApiKeyStore, hashKey } from './api-keys';

const token = 'jrn_abcdef123456_' + 'x'.repeat(43);

/**
 * A database holding one key, whose next key lookup waits until released: a revocation, here or
 * told by another process, can land while a request's lookup is in flight.
 */
function heldDatabase(kind: 'pglite' | 'postgres') {
  const row = { id: 'abcdef123456', name: 'leaked', role: 'admin', created_at: new Date(), revoked_at: null as Date | null, hash: hashKey(token) };
  let release: () => void = () => undefined;
  let held: Promise<void> | undefined = new Promise<void>((resolve) => (release = resolve));
  let lookupStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (lookupStarted = resolve));
  let notice: (() => void) | undefined;
  const db = {
    kind,
    async query(sql: string) {
      if (sql.startsWith('UPDATE journey.api_keys SET revoked_at')) {
        row.revoked_at = new Date();
        return { rows: [{ id: row.id }], rowCount: 1 };
      }
      if (sql.startsWith('SELECT id, name, role, created_at, revoked_at, hash FROM journey.api_keys')) {
        const live = row.revoked_at === null ? [{ ...row }] : [];
        const wait = held;
        held = undefined;
        lookupStarted();
        await wait;
        return { rows: live, rowCount: live.length };
      }
      throw new Error(`unexpected query ${sql}`);
    },
    async notify() {},
    async listen(_channel: string, onNotice: () => void) {
      notice = onNotice;
      return async () => undefined;
    },
  };
  return {
    db: db as unknown as Database,
    row,
    started,
    release: () => release(),
    revokedElsewhere: () => {
      row.revoked_at = new Date();
      notice!();
    },
  };
}

describe('API keys', () => {
  it('answers a live key, and from memory for a few seconds after', async () => {
    const { db, release } = heldDatabase('pglite');
    const keys = new ApiKeyStore(db);
    release();
    const now = Date.now();
    expect(await keys.authenticate(token, now)).toMatchObject({ id: 'abcdef123456', role: 'admin' });
    expect(keys.cached(token, now + 1000)).toMatchObject({ id: 'abcdef123456' });
  });

  it('does not cache as live a key revoked while a request holding it was being authenticated', async () => {
    const { db, row, started, release } = heldDatabase('pglite');
    const keys = new ApiKeyStore(db);
    const now = Date.now();
    // The request's lookup reads the key live, then the revocation lands before the lookup answers.
    const inFlight = keys.authenticate(token, now);
    await started;
    expect(await keys.revoke(row.id)).toBe(true);
    release();
    await inFlight;
    expect(keys.cached(token, now + 1000)).toBeUndefined();
    expect(await keys.authenticate(token, now + 1000)).toBeUndefined();
  });

  it('does not cache as live a key another process revoked while a request holding it was being authenticated', async () => {
    const { db, started, release, revokedElsewhere } = heldDatabase('postgres');
    const keys = new ApiKeyStore(db);
    await keys.watch();
    const now = Date.now();
    const inFlight = keys.authenticate(token, now);
    await started;
    revokedElsewhere();
    release();
    await inFlight;
    expect(keys.cached(token, now + 1000)).toBeUndefined();
    expect(await keys.authenticate(token, now + 1000)).toBeUndefined();
    await keys.close();
  });
});
