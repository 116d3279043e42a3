import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { piiFieldsOfType } from '@journey/contracts';
import { toBuffer, type Database, type Queryable } from '@journey/database';

/** An event whose PII fields can be sealed: the vault needs its id, its type and its data. */
export interface SealableEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: object;
}

/** Events bound for one stream, the subject whose key seals them. */
export interface SealableRequest {
  readonly streamId: string;
  readonly events: readonly SealableEvent[];
}

/** What a PII field reads as once its subject is forgotten. */
export const FORGOTTEN = '[forgotten]';
/** What a sealed field reads as when it does not open (altered after it was written). */
export const UNREADABLE = '[unreadable]';
/** Other processes hear here which subjects were forgotten, to drop the keys they hold. */
export const FORGET_CHANNEL = 'journey_forget';

const SEALED = 'pii:v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const MASTER_CHECK = Buffer.from('journey master key check');

/**
 * A subject's data key, split into its two uses: the sealing key, then the nonce key, 32 bytes
 * each in one buffer (the cache holds up to 100,000 of them: one allocation apiece, not two); null
 * once the subject is forgotten.
 */
type SubjectKey = Buffer | null;
const sealKey = (key: Buffer): Buffer => key.subarray(0, 32);
const nonceKey = (key: Buffer): Buffer => key.subarray(32, 64);

/** Every failure the vault reports on purpose; `type` makes the union switchable. */
export type PrivacyError = MasterKeyError;

/** The master key is not the one the stored subject keys were wrapped with. */
export class MasterKeyError extends Error {
  readonly type = 'master-key' as const;
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyError';
  }
}

/**
 * Seals the PII fields of events (those the contracts mark) with a key per subject, the stream
 * the event belongs to, and opens them again on read. Each subject's 256-bit data key is stored
 * wrapped by the master key (AES-256-GCM, bound to the subject); the master key stays in the
 * process. A field is sealed with AES-256-GCM under a nonce derived from the key, the event id,
 * the field and the value (a synthetic IV): the same event seals to the same text, so a retried
 * append is still recognised as a duplicate, and the hash chain covers the sealed text, so it
 * verifies whether or not the key still exists. Forgetting a subject destroys its key.
 */
export class PiiVault {
  private readonly keys = new Map<string, SubjectKey>();
  /**
   * Moves on every forget this vault makes or hears of: a key read from the database is remembered
   * only if no forget came between the start of the read and its answer, since the answer may
   * predate the forget and would then write the destroyed key back over its marker.
   */
  private forgets = 0;
  private stopListening: (() => Promise<void>) | undefined;

  private constructor(
    private readonly db: Database,
    private readonly master: Buffer,
    private readonly cacheSize: number,
  ) {}

  /** Opens the vault, refusing a master key other than the one this database's keys are wrapped with. */
  static async open(db: Database, masterKey: Buffer, options: { cacheSize?: number } = {}): Promise<PiiVault> {
    if (masterKey.length !== 32) throw new MasterKeyError('the master key must be 32 bytes');
    const vault = new PiiVault(db, Buffer.from(masterKey), options.cacheSize ?? 100_000);
    await vault.checkMasterKey();
    return vault;
  }

  /**
   * Hears of subjects forgotten elsewhere: by other processes, and by transactions of this one
   * that destroyed keys without the vault (the customer pass, through `forgetSubjects`).
   */
  async listen(): Promise<void> {
    if (this.stopListening) return;
    this.stopListening = await this.db.listen(
      FORGET_CHANNEL,
      (subject) => this.forgotNow([subject]),
      // Subjects forgotten while the connection was down were not heard of: read every key again.
      () => {
        this.forgets++;
        this.keys.clear();
      },
    );
  }

  async close(): Promise<void> {
    await this.stopListening?.();
    this.stopListening = undefined;
  }

  /**
   * The requests with their PII fields sealed. Keys of new subjects are created on the way:
   * through `q` itself when it is a caller's transaction (`transactional`), so that they commit
   * or roll back with it, and then nothing read there is remembered.
   */
  async seal<R extends SealableRequest>(q: Queryable, requests: readonly R[], transactional: boolean): Promise<readonly R[]> {
    const subjects = new Set<string>();
    for (const request of requests) if (request.events.some(hasPii)) subjects.add(request.streamId);
    if (subjects.size === 0) return requests;
    const keys = await this.keysOf(q, [...subjects], transactional ? 'create-in-transaction' : 'create');
    return requests.map((request) =>
      subjects.has(request.streamId)
        ? { ...request, events: request.events.map((event) => this.sealEvent(request.streamId, event, keys.get(request.streamId)!)) }
        : request,
    );
  }

  /** The events with their sealed fields opened ("[forgotten]" where the key is destroyed). */
  async reveal<E extends SealableEvent & { readonly streamId: string }>(q: Queryable, events: readonly E[]): Promise<E[]> {
    const sealed = events.map((event) => sealedFields(event));
    const subjects = new Set(events.filter((_, i) => sealed[i]!.length > 0).map((event) => event.streamId));
    if (subjects.size === 0) return [...events];
    const keys = await this.keysOf(q, [...subjects], 'read');
    return events.map((event, i) => {
      const fields = sealed[i]!;
      if (fields.length === 0) return event;
      const key = keys.get(event.streamId) ?? null;
      const data = { ...(event.data as Record<string, unknown>) };
      for (const field of fields) data[field] = openField(key, event.streamId, event.eventId, field, data[field] as string);
      return { ...event, data };
    });
  }

  /** The event with its PII sealed under `key` ("[forgotten]" for a forgotten subject). */
  sealEvent<E extends SealableEvent>(subject: string, event: E, key: SubjectKey): E {
    const fields = piiFieldsOfType(event.type);
    const data: Record<string, unknown> = { ...event.data };
    const eventId = event.eventId.toLowerCase();
    for (const field of fields) {
      const value = data[field];
      if (typeof value === 'string') data[field] = key ? sealField(key, subject, eventId, field, value) : FORGOTTEN;
    }
    return { ...event, data };
  }

  /**
   * Destroys the keys of the subjects (creating destroyed ones for subjects that have none, so
   * that their PII is never stored later) and tells other processes.
   */
  async forget(subjects: readonly string[]): Promise<void> {
    if (subjects.length === 0) return;
    await forgetSubjects(this.db, subjects);
    this.forgotNow(subjects);
  }

  /** The subjects among these that are forgotten. */
  async forgotten(q: Queryable, subjects: readonly string[]): Promise<Set<string>> {
    const { rows } = await q.query<{ subject: string }>(
      'SELECT subject FROM journey.subject_keys WHERE subject = ANY($1::text[]) AND wrapped IS NULL',
      [subjects],
    );
    return new Set(rows.map((row) => row.subject));
  }

  /** Keys of the subjects: remembered, else read, else (when asked to) created. */
  async keysOf(q: Queryable, subjects: readonly string[], mode: 'read' | 'create' | 'create-in-transaction'): Promise<Map<string, SubjectKey>> {
    const keys = new Map<string, SubjectKey>();
    let missing: string[] = [];
    for (const subject of subjects) {
      const key = this.keys.get(subject);
      if (key === undefined) missing.push(subject);
      else keys.set(subject, key);
    }
    const remember = mode !== 'create-in-transaction';
    const forgets = this.forgets;
    for (let round = 0; missing.length > 0 && round < 3; round++) {
      const { rows } = await q.query<{ subject: string; wrapped: Uint8Array | null }>(
        'SELECT subject, wrapped FROM journey.subject_keys WHERE subject = ANY($1::text[])',
        [missing],
      );
      for (const row of rows) {
        const key = row.wrapped ? this.unwrap(row.subject, toBuffer(row.wrapped)) : null;
        keys.set(row.subject, key);
        // A destroyed key stays destroyed: only a live one can be stale.
        if (remember && (key === null || forgets === this.forgets)) this.remember(row.subject, key);
      }
      missing = missing.filter((subject) => !keys.has(subject));
      if (mode === 'read' || missing.length === 0) break;

      const created = missing.map((subject) => ({ subject, secret: randomBytes(32) }));
      const { rows: inserted } = await q.query<{ subject: string }>(
        `INSERT INTO journey.subject_keys (subject, wrapped)
         SELECT * FROM unnest($1::text[], $2::bytea[]) ON CONFLICT (subject) DO NOTHING RETURNING subject`,
        [created.map((c) => c.subject), created.map((c) => this.wrap(c.subject, c.secret))],
      );
      const won = new Set(inserted.map((row) => row.subject));
      for (const { subject, secret } of created) {
        if (!won.has(subject)) continue; // created meanwhile by another writer: read it next round
        const key = deriveKey(secret);
        keys.set(subject, key);
        if (remember && forgets === this.forgets) this.remember(subject, key);
      }
      missing = missing.filter((subject) => !keys.has(subject));
    }
    if (mode !== 'read' && missing.length > 0) throw new Error(`no key could be made for ${missing.length} subjects`);
    return keys;
  }

  private forgotNow(subjects: readonly string[]): void {
    this.forgets++;
    for (const subject of subjects) this.remember(subject, null);
  }

  private remember(subject: string, key: SubjectKey): void {
    if (this.keys.size >= this.cacheSize) this.keys.delete(this.keys.keys().next().value!);
    this.keys.set(subject, key);
  }

  private wrap(subject: string, secret: Buffer): Buffer {
    return seal(this.master, randomBytes(NONCE_BYTES), secret, Buffer.from(`subject:${subject}`));
  }

  private unwrap(subject: string, wrapped: Buffer): SubjectKey {
    return deriveKey(open(this.master, wrapped, Buffer.from(`subject:${subject}`)));
  }

  private async checkMasterKey(): Promise<void> {
    const read = async () =>
      (await this.db.query<{ master_check: Uint8Array | null }>('SELECT master_check FROM journey.privacy')).rows[0]?.master_check;
    let stored = await read();
    if (!stored) {
      const check = seal(this.master, randomBytes(NONCE_BYTES), MASTER_CHECK, Buffer.from('master-check'));
      await this.db.query('UPDATE journey.privacy SET master_check = $1 WHERE master_check IS NULL', [check]);
      stored = await read();
    }
    try {
      open(this.master, toBuffer(stored), Buffer.from('master-check'));
    } catch {
      throw new MasterKeyError('JOURNEY_MASTER_KEY is not the master key this database was sealed with');
    }
  }
}

/**
 * Destroys the keys of the subjects through `q` (in its transaction, when it is one), creating
 * destroyed ones for subjects that have none so that their PII is never stored later, and tells
 * every listening vault once the destruction commits. Idempotent: a subject already forgotten is
 * left as it is.
 */
export async function forgetSubjects(q: Queryable, subjects: readonly string[]): Promise<void> {
  if (subjects.length === 0) return;
  await q.query(
    `WITH destroyed AS (
       INSERT INTO journey.subject_keys (subject, wrapped, forgotten_at)
       SELECT s, NULL, now() FROM unnest($1::text[]) AS s
       ON CONFLICT (subject) DO UPDATE SET wrapped = NULL, forgotten_at = now() WHERE journey.subject_keys.wrapped IS NOT NULL
       RETURNING subject)
     SELECT pg_notify($2, subject) FROM destroyed`,
    [subjects, FORGET_CHANNEL],
  );
}

/**
 * The stored data of an event as a copy of it sealed again reads: where `copy` holds "[forgotten]"
 * (sealing writes it once the subject's key is destroyed) and `stored` holds sealed text, the
 * stored field reads "[forgotten]" too. What the destroyed key sealed can no longer be compared
 * with anything; the other fields still are.
 */
export function asSealedAgain(type: string, stored: unknown, copy: object): unknown {
  const storedData = stored as Record<string, unknown>;
  const copyData = copy as Record<string, unknown>;
  let data: Record<string, unknown> | undefined;
  for (const field of piiFieldsOfType(type)) {
    if (copyData[field] === FORGOTTEN && isSealed(storedData[field])) (data ??= { ...storedData })[field] = FORGOTTEN;
  }
  return data ?? stored;
}

/** Whether a new event carries PII to seal. */
function hasPii(event: SealableEvent): boolean {
  const data = event.data as Record<string, unknown>;
  return piiFieldsOfType(event.type).some((field) => typeof data[field] === 'string');
}

/** The PII fields of a stored event that hold sealed text. */
export function sealedFields(event: { readonly type: string; readonly data: unknown }): string[] {
  const data = event.data as Record<string, unknown>;
  return piiFieldsOfType(event.type).filter((field) => isSealed(data[field]));
}

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(SEALED);
}

/** Two keys from one secret: one seals, one makes nonces. */
function deriveKey(secret: Buffer): SubjectKey {
  const key = Buffer.allocUnsafeSlow(64);
  key.set(new Uint8Array(hkdfSync('sha256', secret, Buffer.alloc(0), 'journey pii seal', 32)), 0);
  key.set(new Uint8Array(hkdfSync('sha256', secret, Buffer.alloc(0), 'journey pii nonce', 32)), 32);
  return key;
}

function fieldContext(subject: string, eventId: string, field: string): Buffer {
  return Buffer.from(`${subject}\n${eventId}\n${field}`);
}

export function sealField(key: NonNullable<SubjectKey>, subject: string, eventId: string, field: string, value: string): string {
  const context = fieldContext(subject, eventId, field);
  const nonce = createHmac('sha256', nonceKey(key)).update(context).update('\n').update(value).digest().subarray(0, NONCE_BYTES);
  return SEALED + seal(sealKey(key), nonce, Buffer.from(value), context).toString('base64url');
}

function openField(key: SubjectKey, subject: string, eventId: string, field: string, sealed: string): string {
  if (!key) return FORGOTTEN;
  try {
    return open(sealKey(key), Buffer.from(sealed.slice(SEALED.length), 'base64url'), fieldContext(subject, eventId, field)).toString();
  } catch {
    return UNREADABLE;
  }
}

/** AES-256-GCM: nonce ‖ ciphertext ‖ tag. */
function seal(key: Buffer, nonce: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  return Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function open(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new Error('sealed text too short');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES));
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
}
