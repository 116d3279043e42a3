import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { StoreUnavailableError } from '@journey/event-store';
import { type Database } from '@journey/database';
import { LruMap } from './lru-map';
import type { Role } from './roles';

export interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

interface KeyRow {
  id: string;
  name: string;
  role: Role;
  created_at: Date | string;
  revoked_at: Date | string | null;
}

export const KEYS_CHANNEL = 'journey_keys';
const PREFIX = 'jrn_';
/** How long a key's answer is trusted in memory; a revocation elsewhere is seen within this. */
const CACHE_MS = 5000;
/** Tokens remembered as not being keys: bounded apart, so a flood of garbage evicts no live key. */
const UNKNOWN_TOKENS = 10_000;
const KNOWN_TOKENS = 10_000;

export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/**
 * API keys: `jrn_<id>_<secret>`, 32 random bytes of secret, shown once at creation; only the
 * SHA-256 of the whole key is stored (the secret is random, so a slow hash adds nothing).
 * Answers are cached for a few seconds, live keys and unknown tokens in two bounded caches (so
 * that garbage tokens only push out other garbage); revoking here clears the caches at once,
 * and other processes hear of it by NOTIFY.
 */
export class ApiKeyStore {
  private readonly known = new LruMap<string, { key: ApiKey; until: number }>(KNOWN_TOKENS);
  private readonly unknown = new LruMap<string, number>(UNKNOWN_TOKENS);
  /** Counts the times the caches were cleared: an answer read across a clearing may predate a revocation, and is not cached. */
  private generation = 0;
  private stopWatching: (() => Promise<void>) | undefined;

  constructor(private readonly db: Database) {}

  async create(role: Role, name: string): Promise<{ key: string; apiKey: ApiKey }> {
    const id = randomBytes(6).toString('hex');
    const key = `${PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
    const { rows } = await this.db.query<KeyRow>(
      'INSERT INTO journey.api_keys (id, name, role, hash) VALUES ($1, $2, $3, $4) RETURNING id, name, role, created_at, revoked_at',
      [id, name, role, hashKey(key)],
    );
    return { key, apiKey: toKey(rows[0]!) };
  }

  async list(): Promise<ApiKey[]> {
    const { rows } = await this.db.query<KeyRow>('SELECT id, name, role, created_at, revoked_at FROM journey.api_keys ORDER BY created_at, id');
    return rows.map(toKey);
  }

  /** Revokes a key for good; false when there is no such key. */
  async revoke(id: string): Promise<boolean> {
    const { rows } = await this.db.query<{ id: string }>(
      'UPDATE journey.api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING id',
      [id],
    );
    this.forgetAll();
    if (this.db.kind === 'postgres') await this.db.notify(KEYS_CHANNEL, id).catch(() => undefined);
    return rows.length > 0;
  }

  /** What memory alone says of a token: its live key, or undefined when it is not one or not known. */
  cached(token: string, now = Date.now()): ApiKey | undefined {
    const known = this.known.get(hashKey(token).toString('base64'));
    return known && known.until > now ? known.key : undefined;
  }

  /** The live key a bearer token stands for, or undefined. */
  async authenticate(token: string, now = Date.now()): Promise<ApiKey | undefined> {
    if (token.length < 16 || token.length > 200) return undefined;
    const hash = hashKey(token);
    const cacheKey = hash.toString('base64');
    const known = this.known.get(cacheKey);
    if (known && known.until > now) return known.key;
    const unknownUntil = this.unknown.get(cacheKey);
    if (unknownUntil !== undefined && unknownUntil > now) return undefined;
    const generation = this.generation;
    let rows: Array<KeyRow & { hash: Uint8Array }>;
    try {
      ({ rows } = await this.db.query<KeyRow & { hash: Uint8Array }>(
        'SELECT id, name, role, created_at, revoked_at, hash FROM journey.api_keys WHERE hash = $1 AND revoked_at IS NULL',
        [hash],
      ));
    } catch (error) {
      // The database is away: the last answer stands (nothing can be read or written meanwhile).
      if (known) return known.key;
      if (unknownUntil !== undefined) return undefined;
      throw new StoreUnavailableError('API keys cannot be checked: the database is unreachable', { cause: error });
    }
    const row = rows[0];
    const key = row && timingSafeEqual(Buffer.from(row.hash), hash) ? toKey(row) : undefined;
    if (generation !== this.generation) return key;
    if (key) this.known.set(cacheKey, { key, until: now + CACHE_MS });
    else this.unknown.set(cacheKey, now + CACHE_MS);
    return key;
  }

  /** Hears of revocations made by other processes (PostgreSQL only; PGlite has one process). */
  async watch(): Promise<void> {
    if (this.db.kind === 'postgres' && !this.stopWatching) this.stopWatching = await this.db.listen(KEYS_CHANNEL, () => this.forgetAll(), () => this.forgetAll());
  }

  private forgetAll(): void {
    this.generation++;
    this.known.clear();
    this.unknown.clear();
  }

  async close(): Promise<void> {
    await this.stopWatching?.();
    this.stopWatching = undefined;
  }

  /**
   * The first admin key: `JOURNEY_ADMIN_KEY` when given (kept as the key `admin-env`, replaced when
   * the variable changes), else, on a database without keys, a new one returned to be shown once.
   */
  async bootstrap(adminKey: string | undefined): Promise<{ created?: string }> {
    if (adminKey !== undefined) {
      await this.db.query(
        `INSERT INTO journey.api_keys (id, name, role, hash) VALUES ('admin-env', 'JOURNEY_ADMIN_KEY', 'admin', $1)
         ON CONFLICT (id) DO UPDATE SET hash = EXCLUDED.hash, revoked_at = NULL, created_at = now()
         WHERE journey.api_keys.hash <> EXCLUDED.hash`,
        [hashKey(adminKey)],
      );
      return {};
    }
    const { rows } = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey.api_keys');
    if (Number(rows[0]!.n) > 0) return {};
    return { created: (await this.create('admin', 'first admin key')).key };
  }
}

function toKey(row: KeyRow): ApiKey {
  const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());
  return { id: row.id, name: row.name, role: row.role, createdAt: iso(row.created_at)!, revokedAt: iso(row.revoked_at) };
}
