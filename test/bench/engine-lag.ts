import type { Pool } from 'pg';

/** How far each consumer of the log is behind: the age of the oldest event after its checkpoint. */
export type Lags = ReadonlyMap<string, number>;

/**
 * Every checkpoint of journey.checkpoints read against the log: 0 s when nothing is left after
 * it. One index probe per consumer, cheap enough to sample while the engine is under load.
 */
export async function readLags(pool: Pool): Promise<Lags> {
  const { rows } = await pool.query<{ name: string; seconds: number | null }>(
    `SELECT c.name,
            (SELECT extract(epoch FROM clock_timestamp() - e.recorded_at)::float8
               FROM journey.events e
              WHERE (e.tx_id, e.global_position) > (c.tx_id, c.position)
              ORDER BY e.tx_id, e.global_position
              LIMIT 1) AS seconds
       FROM journey.checkpoints c`,
  );
  return new Map(rows.map((row) => [row.name, Math.max(0, row.seconds ?? 0)]));
}

/** The largest lag over the consumers whose names start with one of `prefixes` (all of them must be there). */
export function pipelineLag(lags: Lags, prefixes: readonly string[]): number | undefined {
  let worst = 0;
  for (const prefix of prefixes) {
    const mine = [...lags].filter(([name]) => name.startsWith(prefix));
    if (mine.length === 0) return undefined;
    for (const [, seconds] of mine) worst = Math.max(worst, seconds);
  }
  return worst;
}
