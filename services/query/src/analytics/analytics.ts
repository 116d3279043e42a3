import { LIFECYCLE_STAGES, VALUE_TIERS } from '@journey/contracts';
import type { Queryable } from '@journey/database';
import type { RetentionCohort } from './log-tallies';

export type { RetentionCohort };

export interface Period {
  readonly from: string;
  readonly to: string;
}

export interface Transition {
  /** The stage left (null where the change names none). */
  readonly from: string | null;
  readonly to: string;
  /** Customers who made this change in the period. */
  readonly customers: number;
  /** Times it was made. */
  readonly changes: number;
}

export interface Funnel {
  readonly asOf: string;
  /** Customers in each stage now (forgotten customers left out). */
  readonly stages: Readonly<Record<string, number>>;
  /** Stage changes that happened in the period, by from → to. */
  readonly transitions: readonly Transition[];
  readonly period: Period;
}

/**
 * Stages now from journey.customer_counts (kept by triggers on the 360, no scan of it); the stage
 * changes that occurred in the period from journey.stage_changes (kept from the log by the
 * weekly subscription), by from → to: most changes first, then by stage names, absent last.
 */
export async function lifecycleFunnel(db: Queryable, period: Period, now: Date, withTransitions = true): Promise<Funnel> {
  const stages = Object.fromEntries(LIFECYCLE_STAGES.map((stage) => [stage, 0])) as Record<string, number>;
  const counts = await db.query<{ stage: string; n: string }>(`SELECT stage, sum(customers) AS n FROM journey.customer_counts GROUP BY stage HAVING sum(customers) <> 0`);
  for (const row of counts.rows) stages[row.stage] = Number(row.n);
  if (!withTransitions) return { asOf: now.toISOString(), stages, transitions: [], period };
  const { rows } = await db.query<Transition>(
    `SELECT from_stage AS "from", to_stage AS "to", count(DISTINCT stream_id)::int AS customers, count(*)::int AS changes
     FROM journey.stage_changes WHERE occurred_at >= $1::timestamptz AND occurred_at < $2::timestamptz
     GROUP BY from_stage, to_stage
     ORDER BY changes DESC, from_stage COLLATE "C", to_stage COLLATE "C"`,
    [period.from, period.to],
  );
  return { asOf: now.toISOString(), stages, transitions: rows, period };
}

export interface ValueGrid {
  readonly tiers: Readonly<Record<string, number>>;
  readonly segments: Readonly<Record<string, number>>;
  /** Customers per recency × frequency score, with their average monetary score. */
  readonly grid: ReadonlyArray<{ recency: number; frequency: number; customers: number; averageMonetary: number }>;
  /** Customers without scores (no purchase in the RFM window). */
  readonly unscored: number;
}

/** Tiers, RFM segments and the R×F grid from journey.customer_counts: a few hundred rows, whatever the population. */
export async function valueGrid(db: Queryable): Promise<ValueGrid> {
  const tiers = Object.fromEntries(VALUE_TIERS.map((tier) => [tier, 0])) as Record<string, number>;
  const segments: Record<string, number> = {};
  let unscored = 0;
  const groups = await db.query<{ tier: string; segment: string; n: string }>(
    `SELECT tier, segment, sum(customers) AS n FROM journey.customer_counts GROUP BY tier, segment HAVING sum(customers) <> 0`,
  );
  for (const row of groups.rows) {
    if (row.tier === '') unscored += Number(row.n);
    else tiers[row.tier] = (tiers[row.tier] ?? 0) + Number(row.n);
    if (row.segment !== '') segments[row.segment] = (segments[row.segment] ?? 0) + Number(row.n);
  }
  const grid = await db.query<{ recency: number; frequency: number; customers: string; average_monetary: string }>(
    `SELECT recency, frequency, sum(customers) AS customers, round(sum(monetary)::numeric / sum(customers), 2) AS average_monetary
     FROM journey.customer_counts WHERE recency > 0 GROUP BY 1, 2 HAVING sum(customers) > 0 ORDER BY 1 DESC, 2 DESC`,
  );
  return {
    tiers,
    segments,
    grid: grid.rows.map((r) => ({ recency: Number(r.recency), frequency: Number(r.frequency), customers: Number(r.customers), averageMonetary: Number(r.average_monetary) })),
    unscored,
  };
}
