import { CUSTOMER_STREAM_PREFIX, LIFECYCLE_STAGES, VALUE_TIERS } from '@journey/contracts';
import type { Queryable } from '@journey/database';

export interface Period {
  readonly from: string;
  readonly to: string;
}

export interface Funnel {
  readonly asOf: string;
  /** Customers in each stage now (forgotten customers left out). */
  readonly stages: Readonly<Record<string, number>>;
  /** Stage changes that happened in the period, by from → to. */
  readonly transitions: ReadonlyArray<{ from: string; to: string; customers: number; changes: number }>;
  readonly period: Period;
}

/** Customers per stage from journey.customer_counts (kept by triggers on the 360), not from a scan of the 360. */
export async function lifecycleFunnel(db: Queryable, period: Period, now: Date, withTransitions = true): Promise<Funnel> {
  const stages = Object.fromEntries(LIFECYCLE_STAGES.map((stage) => [stage, 0])) as Record<string, number>;
  const counts = await db.query<{ stage: string; n: string }>(`SELECT stage, sum(customers) AS n FROM journey.customer_counts GROUP BY stage HAVING sum(customers) <> 0`);
  for (const row of counts.rows) stages[row.stage] = Number(row.n);
  if (!withTransitions) return { asOf: now.toISOString(), stages, transitions: [], period };
  const moves = await db.query<{ from: string; to: string; customers: number; changes: number }>(
    `SELECT data->>'from' AS "from", data->>'to' AS "to", count(DISTINCT stream_id)::int AS customers, count(*)::int AS changes
     FROM journey.events WHERE type = 'LifecycleStageChanged' AND occurred_at >= $1 AND occurred_at < $2
     GROUP BY 1, 2 ORDER BY 4 DESC, 1, 2`,
    [period.from, period.to],
  );
  return { asOf: now.toISOString(), stages, transitions: moves.rows.map((r) => ({ ...r, customers: Number(r.customers), changes: Number(r.changes) })), period };
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

export interface RetentionCohort {
  /** The month of the cohort's first purchase, YYYY-MM. */
  readonly month: string;
  readonly customers: number;
  /** Customers of the cohort who bought in month 0, 1, 2, … after their first (month 0 is everyone). */
  readonly active: readonly number[];
}

/** Retention by first-purchase month over the customers' purchases in the log (UTC months). */
export async function retention(db: Queryable, period: Period): Promise<RetentionCohort[]> {
  const { rows } = await db.query<{ cohort: string; offset: number; customers: number }>(
    `WITH purchases AS (
       SELECT stream_id, date_trunc('month', occurred_at AT TIME ZONE 'UTC') AS month
       FROM journey.events WHERE type = 'PurchaseCompleted' AND stream_id LIKE $1 GROUP BY 1, 2
     ), firsts AS (
       SELECT stream_id, min(month) AS cohort FROM purchases GROUP BY 1
     )
     SELECT to_char(f.cohort, 'YYYY-MM') AS cohort,
            ((extract(year FROM p.month) - extract(year FROM f.cohort)) * 12 + extract(month FROM p.month) - extract(month FROM f.cohort))::int AS offset,
            count(*)::int AS customers
     FROM firsts f JOIN purchases p USING (stream_id)
     WHERE f.cohort >= date_trunc('month', $2::timestamptz AT TIME ZONE 'UTC') AND f.cohort < $3::timestamptz AT TIME ZONE 'UTC'
     GROUP BY 1, 2 ORDER BY 1, 2`,
    [`${CUSTOMER_STREAM_PREFIX.replace(/[\\%_]/g, '\\$&')}%`, period.from, period.to],
  );
  const cohorts = new Map<string, number[]>();
  for (const row of rows) {
    const active = cohorts.get(row.cohort) ?? [];
    active[Number(row.offset)] = Number(row.customers);
    cohorts.set(row.cohort, active);
  }
  return [...cohorts].map(([month, active]) => ({ month, customers: active[0] ?? 0, active: Array.from(active, (n) => n ?? 0) }));
}
