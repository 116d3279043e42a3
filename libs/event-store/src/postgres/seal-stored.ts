import { EVENT_CATALOGUE, piiFieldsOfType } from '@journey/contracts';
import { toBuffer, type Database, type Queryable } from '@journey/database';
import { chainHash } from '../hash-chain';
import { EVENT_COLUMNS, storedEnvelope, type EventRow } from '../postgres/recorded-event';
import { isSealed, sealField, type PiiVault } from '@journey/privacy';

export interface SealReport {
  readonly streams: number;
  readonly events: number;
}

const STREAMS_PER_TRANSACTION = 200;

/**
 * Seals the PII of events stored before the vault existed (journey.privacy.plaintext_until).
 * This is the one rewrite of the log: each affected stream's events get their PII fields sealed
 * and its hash chain recomputed from the first changed event, in a transaction that lifts the
 * append-only trigger only for itself (transactional DDL: no other session ever sees it off).
 * Every rewritten stream is recorded in journey.chain_rewrites with its old and new head. Safe
 * to run again and from several processes at once: sealed fields are left alone. It runs when a
 * process starts, before it appends: a process already running meanwhile could still chain a new
 * event from a head it remembers from before the rewrite, so upgrade every process together.
 */
export async function sealStoredPii(db: Database, vault: PiiVault, onProgress?: (streams: number) => void): Promise<SealReport> {
  const until = await plaintextUntil(db);
  if (until === 0) return { streams: 0, events: 0 };
  const types = Object.keys(EVENT_CATALOGUE).filter((type) => piiFieldsOfType(type).length > 0);
  const { rows } = await db.query<{ stream_id: string }>(
    'SELECT DISTINCT stream_id FROM journey.events WHERE global_position <= $1 AND type = ANY($2::text[]) ORDER BY stream_id',
    [until, types],
  );
  const report = { streams: 0, events: 0 };
  for (let i = 0; i < rows.length; i += STREAMS_PER_TRANSACTION) {
    const streams = rows.slice(i, i + STREAMS_PER_TRANSACTION).map((row) => row.stream_id);
    await db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(hashtext('journey.seal-stored-pii'))");
      await tx.query('ALTER TABLE journey.events DISABLE TRIGGER events_append_only');
      for (const streamId of streams) {
        const sealed = await sealStream(tx, vault, streamId);
        if (sealed > 0) {
          report.streams++;
          report.events += sealed;
        }
      }
      await tx.query('ALTER TABLE journey.events ENABLE TRIGGER events_append_only');
    });
    onProgress?.(i + streams.length);
  }
  await db.query('UPDATE journey.privacy SET plaintext_until = 0 WHERE plaintext_until = $1', [until]);
  return report;
}

export async function plaintextUntil(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ plaintext_until: number }>('SELECT plaintext_until FROM journey.privacy');
  return rows[0]?.plaintext_until ?? 0;
}

/** Seals one stream's plaintext PII and rechains it; the number of events changed. */
async function sealStream(tx: Queryable, vault: PiiVault, streamId: string): Promise<number> {
  // The head first: appends to the stream wait until the rewrite commits.
  const { rows: heads } = await tx.query<{ last_hash: Uint8Array }>(
    'SELECT last_hash FROM journey.streams WHERE stream_id = $1 FOR UPDATE',
    [streamId],
  );
  const { rows } = await tx.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM journey.events WHERE stream_id = $1 ORDER BY stream_position`,
    [streamId],
  );
  const key = (await vault.keysOf(tx, [streamId], 'create-in-transaction')).get(streamId);
  let first = -1;
  let sealed = 0;
  const changed: Array<{ position: number; data: Record<string, unknown>; hash: string }> = [];
  let previous: string | null = null;
  for (const [index, row] of rows.entries()) {
    const plain = piiFieldsOfType(row.type).filter((field) => typeof row.data[field] === 'string' && !isSealed(row.data[field]));
    let data = row.data;
    if (plain.length > 0) {
      data = { ...row.data };
      for (const field of plain) data[field] = key ? sealField(key, streamId, row.event_id, field, data[field] as string) : '[forgotten]';
      sealed++;
      if (first < 0) first = index;
    }
    const hash = chainHash(previous, storedEnvelope({ ...row, data }));
    if (first >= 0) changed.push({ position: row.stream_position, data, hash });
    previous = hash;
  }
  if (changed.length === 0) return 0;
  await tx.query(
    `UPDATE journey.events e SET data = x.data, hash = decode(x.hash, 'hex')
     FROM json_to_recordset($2::json) AS x(position bigint, data jsonb, hash text)
     WHERE e.stream_id = $1 AND e.stream_position = x.position`,
    [streamId, JSON.stringify(changed)],
  );
  await tx.query("UPDATE journey.streams SET last_hash = decode($2, 'hex') WHERE stream_id = $1", [streamId, previous]);
  await tx.query(
    `INSERT INTO journey.chain_rewrites (stream_id, reason, from_position, old_head, new_head)
     VALUES ($1, 'seal stored PII', $2, $3, decode($4, 'hex'))`,
    [streamId, rows[first]!.stream_position, toBuffer(heads[0]!.last_hash), previous],
  );
  return sealed;
}
