import type { Queryable } from '@journey/database';
import { subscriptionOfCheckpoint } from '../partitions/partition-ownership';

/** How far one named consumer of the global order (a row of journey.checkpoints) is behind the log. */
export interface ConsumerLag {
  readonly name: string;
  /** Events committed after the checkpoint: exact up to the count limit, estimated beyond it. */
  readonly events: number;
  /** Age of the oldest event not yet handled; 0 when caught up. */
  readonly seconds: number;
}

/** Events counted one by one per consumer; past it, the distance in global positions stands in. */
export const EXACT_LAG_LIMIT = 10_000;

/**
 * The statement behind consumerLags: $1 the exact count limit, $2 the names or NULL for all.
 * The count is ordered so that it walks the index from the checkpoint: unordered, the planner
 * may scan the table, which for a consumer near the head reads the whole log.
 */
export const CONSUMER_LAG_SQL = `WITH last AS (SELECT global_position FROM journey.events ORDER BY tx_id DESC, global_position DESC LIMIT 1),
          c AS (SELECT n.name, coalesce(k.tx_id, '0'::xid8) AS tx_id, coalesce(k.position, 0) AS position
                FROM unnest(coalesce($2::text[], ARRAY(SELECT name FROM journey.checkpoints))) AS n(name)
                LEFT JOIN journey.checkpoints k ON k.name = n.name)
     SELECT c.name,
            (SELECT count(*) FROM (SELECT 1 FROM journey.events e
               WHERE (e.tx_id, e.global_position) > (c.tx_id, c.position)
               ORDER BY e.tx_id, e.global_position LIMIT $1) counted) AS counted,
            (SELECT global_position FROM last) - c.position AS distance,
            (SELECT extract(epoch FROM now() - e.recorded_at)::float8 FROM journey.events e
               WHERE (e.tx_id, e.global_position) > (c.tx_id, c.position)
               ORDER BY e.tx_id, e.global_position LIMIT 1) AS seconds
     FROM c ORDER BY c.name`;

/**
 * The lag of the named consumers (every one in journey.checkpoints when no names are given; a
 * name without a checkpoint is behind by the whole log) in one statement, cheap enough for every
 * scrape: each count walks at most `exactLimit` entries of the (tx_id, global_position) index,
 * and the oldest pending event and the log's last event are single index probes. Beyond the
 * limit the count is the distance from the checkpoint to the last event's global position,
 * which positions lost to rolled-back appends can only make larger.
 */
export async function consumerLags(db: Queryable, names?: readonly string[], exactLimit = EXACT_LAG_LIMIT): Promise<ConsumerLag[]> {
  const { rows } = await db.query<{ name: string; counted: number | string; distance: number | string | null; seconds: number | string | null }>(
    CONSUMER_LAG_SQL,
    [exactLimit, names ?? null],
  );
  return rows.map((row) => {
    const counted = Number(row.counted);
    const events = counted < exactLimit ? counted : Math.max(counted, Number(row.distance ?? 0));
    return { name: row.name, events, seconds: Math.max(0, Number(row.seconds ?? 0)) };
  });
}

/** One consumer's lag: a partitioned one's is that of its partition furthest behind. */
export async function consumerLag(db: Queryable, name: string, exactLimit = EXACT_LAG_LIMIT): Promise<ConsumerLag> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT name FROM journey.checkpoints WHERE starts_with(name, $1 || '#')`,
    [name],
  );
  const lags = await consumerLags(db, rows.length > 0 ? rows.map((row) => row.name) : [name], exactLimit);
  return lags.reduce((worst, lag) => ({ name, events: Math.max(worst.events, lag.events), seconds: Math.max(worst.seconds, lag.seconds) }), {
    name,
    events: 0,
    seconds: 0,
  });
}

/** One entry per consumer: a partitioned one's (`name#p/P` rows) is that of its partition furthest behind. */
export function lagPerConsumer(lags: readonly ConsumerLag[]): ConsumerLag[] {
  const merged = new Map<string, ConsumerLag>();
  for (const lag of lags) {
    const name = subscriptionOfCheckpoint(lag.name);
    const seen = merged.get(name);
    merged.set(name, seen ? { name, events: Math.max(seen.events, lag.events), seconds: Math.max(seen.seconds, lag.seconds) } : { ...lag, name });
  }
  return [...merged.values()];
}
