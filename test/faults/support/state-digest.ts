import type { Queryable } from '@journey/database';

/** Every table a request could change, but the access log (accounted apart) and the checkpoints' leases. */
const TABLES = [
  'api_keys',
  'chain_rewrites',
  'customer_360',
  'dead_letters',
  'outbox',
  'privacy',
  'rules',
  'saga_actions',
  'saga_decisions',
  'saga_timers',
  'settings',
  'streams',
  'subject_keys',
  'visitor_activity',
];

export interface StateDigest {
  readonly head: number;
  readonly checkpoints: string;
  readonly tables: string;
}

/** What the engine holds, as a comparable digest: the log's head and size, the checkpoints' positions, every other table's rows. */
export async function stateDigest(db: Queryable): Promise<StateDigest> {
  const digests = TABLES.map((table) => `(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM journey.${table} t)`).join(` || ',' || `);
  const { rows } = await db.query<{ head: string | number; size: string | number; checkpoints: string | null; tables: string }>(
    `SELECT (SELECT coalesce(max(global_position), 0) FROM journey.events) AS head,
            (SELECT count(*) FROM journey.events) AS size,
            (SELECT string_agg(name || '=' || position, ',' ORDER BY name) FROM journey.checkpoints) AS checkpoints,
            ${digests} AS tables`,
  );
  const row = rows[0]!;
  return { head: Number(row.head), checkpoints: row.checkpoints ?? '', tables: `${row.size}:${row.tables}` };
}

/** Whether each of the consumers named has a checkpoint at the log's head. */
export function caughtUp(digest: StateDigest, consumers: readonly string[]): boolean {
  const positions = new Map(digest.checkpoints.split(',').map((entry) => [entry.slice(0, entry.lastIndexOf('=')), Number(entry.slice(entry.lastIndexOf('=') + 1))]));
  return consumers.every((name) => (positions.get(name) ?? -1) >= digest.head);
}
