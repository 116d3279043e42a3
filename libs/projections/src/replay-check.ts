import { randomBytes } from 'node:crypto';
import { CHECKPOINTS_OF, START_CURSOR, type EventStore, type GlobalCursor } from '@journey/event-store';
import type { Database, Queryable } from '@journey/database';
import type { LifecycleThresholds } from '@journey/domain';
import { LIVE_TABLES, type ProjectionTables } from './customer-360.table';
import { CUSTOMER_PROJECTION } from './projector';
import { createTables, ShadowBuild } from './rebuild';

export interface ReplayDifference {
  readonly table: 'customer_360' | 'visitor_activity';
  readonly key: string;
  /** `different` names the columns that differ. */
  readonly kind: 'missing_from_live' | 'missing_from_replay' | 'different';
  readonly columns?: readonly string[];
}

export interface ReplayReport {
  readonly ok: boolean;
  /** The position of the log both sides stand at. */
  readonly position: GlobalCursor;
  readonly events: number;
  readonly seconds: number;
  readonly counts: { readonly live: { customers: number; visitors: number }; readonly replayed: { customers: number; visitors: number } };
  readonly differences: number;
  /** The first differences (at most `show`), in key order. */
  readonly first: readonly ReplayDifference[];
}

/**
 * Replays the whole log into scratch tables and compares them with the live read models at the
 * same position of the log, row by row and column by column; the scratch tables are dropped
 * afterwards. Live reads go on throughout; the live projector waits only while the last events
 * are folded and the two are compared (its writes would move the live side).
 */
export async function replayCheck(db: Database, store: EventStore<Queryable>, options: { lifecycle: LifecycleThresholds; batchSize: number; show?: number; onProgress?: (events: number) => void }): Promise<ReplayReport> {
  const started = performance.now();
  const suffix = randomBytes(4).toString('hex');
  const tables: ProjectionTables = { customers: `journey.customer_360_check_${suffix}`, visitors: `journey.visitor_activity_check_${suffix}` };
  await createTables(db, tables);
  try {
    const build = new ShadowBuild(store, tables, options);
    await build.catchUp((work) => store.unitOfWork(work), await liveCheckpoint(db));
    return await store.unitOfWork(async (unit) => {
      const tx = unit.state;
      await tx.query(`LOCK TABLE ${LIVE_TABLES.customers}, ${LIVE_TABLES.visitors} IN SHARE MODE`);
      const position = await liveCheckpoint(tx);
      await build.catchUp((work) => work(unit), position);
      const show = options.show ?? 20;
      const customers = await compare(tx, 'customer_360', LIVE_TABLES.customers, tables.customers, 'customer_id', show);
      const visitors = await compare(tx, 'visitor_activity', LIVE_TABLES.visitors, tables.visitors, 'anonymous_id', show);
      const differences = customers.count + visitors.count;
      return {
        ok: differences === 0,
        position,
        events: build.events,
        seconds: (performance.now() - started) / 1000,
        counts: {
          live: { customers: customers.live, visitors: visitors.live },
          replayed: { customers: customers.replayed, visitors: visitors.replayed },
        },
        differences,
        first: [...customers.first, ...visitors.first].slice(0, show),
      };
    });
  } finally {
    await db.exec(`DROP TABLE IF EXISTS ${tables.customers}; DROP TABLE IF EXISTS ${tables.visitors};`);
  }
}

async function liveCheckpoint(db: Queryable): Promise<GlobalCursor> {
  // Partitioned, the lowest of the partitions' checkpoints (quiet the engine for an exact comparison).
  const { rows } = await db.query<{ tx_id: string; position: string | number }>(
    `SELECT tx_id::text AS tx_id, position FROM journey.checkpoints WHERE ${CHECKPOINTS_OF} ORDER BY tx_id, position LIMIT 1`,
    [CUSTOMER_PROJECTION],
  );
  return rows[0] ? { commit: Number(rows[0].tx_id), position: Number(rows[0].position) } : START_CURSOR;
}

const SCHEDULE_COLUMNS = new Set(['segment_review_at', 'segments_at']);

async function compare(tx: Queryable, table: ReplayDifference['table'], live: string, replayed: string, key: string, show: number) {
  const counts = await tx.query<{ live: number; replayed: number }>(`SELECT (SELECT count(*) FROM ${live})::int AS live, (SELECT count(*) FROM ${replayed})::int AS replayed`);
  // When the segment clock looks next and the instant last judged are the live pass's schedule, not
  // facts of the log: a replay folds the memberships recorded and judges nothing.
  const diff = `FROM ${live} l FULL JOIN ${replayed} r ON r.${key} = l.${key}
                WHERE l.${key} IS NULL OR r.${key} IS NULL
                   OR (to_jsonb(l) - 'segment_review_at' - 'segments_at') IS DISTINCT FROM (to_jsonb(r) - 'segment_review_at' - 'segments_at')`;
  const total = await tx.query<{ n: number }>(`SELECT count(*)::int AS n ${diff}`);
  const { rows } = await tx.query<{ key: string; l: Record<string, unknown> | null; r: Record<string, unknown> | null }>(
    `SELECT coalesce(l.${key}, r.${key}) AS key, CASE WHEN l.${key} IS NULL THEN NULL ELSE to_jsonb(l) END AS l,
            CASE WHEN r.${key} IS NULL THEN NULL ELSE to_jsonb(r) END AS r
     ${diff} ORDER BY 1 LIMIT $1`,
    [show],
  );
  const first = rows.map((row): ReplayDifference => {
    if (!row.l) return { table, key: row.key, kind: 'missing_from_live' };
    if (!row.r) return { table, key: row.key, kind: 'missing_from_replay' };
    const columns = Object.keys(row.l).filter((column) => !SCHEDULE_COLUMNS.has(column) && JSON.stringify(row.l![column]) !== JSON.stringify(row.r![column]));
    return { table, key: row.key, kind: 'different', columns };
  });
  return { live: Number(counts.rows[0]!.live), replayed: Number(counts.rows[0]!.replayed), count: Number(total.rows[0]!.n), first };
}
