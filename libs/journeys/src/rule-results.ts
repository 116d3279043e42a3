import type { Queryable } from '@journey/database';

/** What a rule did: matched, suppressed by reason, dispatched, failed, converted, and the lift. */
export interface RuleResults {
  readonly ruleId: string;
  readonly matched: number;
  readonly suppressed: Readonly<Record<string, number>>;
  readonly waiting: number;
  readonly dispatched: number;
  readonly failed: number;
  readonly pending: number;
  readonly converted: number;
  readonly holdout: number;
  readonly holdoutConverted: number;
  /** Conversions per dispatched action, and per holdout customer. */
  readonly conversionRate: number | null;
  readonly holdoutConversionRate: number | null;
  /** (conversion rate − holdout conversion rate) ÷ holdout conversion rate. */
  readonly lift: number | null;
}

export async function ruleResults(db: Queryable, ruleId?: string): Promise<RuleResults[]> {
  const { rows } = await db.query<{
    rule_id: string;
    matched: number;
    suppressed: Record<string, number> | null;
    waiting: number;
    dispatched: number;
    failed: number;
    pending: number;
    converted: number;
    holdout: number;
    holdout_converted: number;
  }>(
    `WITH d AS (
       SELECT rule_id, count(*)::int AS matched FROM journey.saga_decisions WHERE $1::text IS NULL OR rule_id = $1 GROUP BY rule_id),
     s AS (
       SELECT rule_id, jsonb_object_agg(reason, n) AS suppressed
       FROM (SELECT rule_id, reason, count(*)::int AS n FROM journey.saga_decisions
             WHERE decision = 'suppress' AND ($1::text IS NULL OR rule_id = $1) GROUP BY rule_id, reason) x
       GROUP BY rule_id),
     o AS (
       SELECT rule_id, count(*) FILTER (WHERE state = 'sent')::int AS dispatched, count(*) FILTER (WHERE state = 'dead')::int AS failed,
              count(*) FILTER (WHERE state = 'pending')::int AS pending
       FROM journey.outbox WHERE $1::text IS NULL OR rule_id = $1 GROUP BY rule_id),
     t AS (SELECT rule_id, count(*)::int AS waiting FROM journey.saga_timers WHERE state = 'pending' AND ($1::text IS NULL OR rule_id = $1) GROUP BY rule_id),
     a AS (
       SELECT rule_id, count(*) FILTER (WHERE NOT holdout AND converted_by IS NOT NULL)::int AS converted,
              count(*) FILTER (WHERE holdout)::int AS holdout,
              count(*) FILTER (WHERE holdout AND converted_by IS NOT NULL)::int AS holdout_converted
       FROM journey.saga_actions WHERE $1::text IS NULL OR rule_id = $1 GROUP BY rule_id)
     SELECT d.rule_id, d.matched, s.suppressed, coalesce(t.waiting, 0) AS waiting, coalesce(o.dispatched, 0) AS dispatched,
            coalesce(o.failed, 0) AS failed, coalesce(o.pending, 0) AS pending, coalesce(a.converted, 0) AS converted,
            coalesce(a.holdout, 0) AS holdout, coalesce(a.holdout_converted, 0) AS holdout_converted
     FROM d LEFT JOIN s USING (rule_id) LEFT JOIN o USING (rule_id) LEFT JOIN t USING (rule_id) LEFT JOIN a USING (rule_id)
     ORDER BY d.rule_id`,
    [ruleId ?? null],
  );
  return rows.map((row) => {
    const rate = row.dispatched > 0 ? row.converted / row.dispatched : null;
    const holdoutRate = row.holdout > 0 ? row.holdout_converted / row.holdout : null;
    return {
      ruleId: row.rule_id,
      matched: row.matched,
      suppressed: row.suppressed ?? {},
      waiting: row.waiting,
      dispatched: row.dispatched,
      failed: row.failed,
      pending: row.pending,
      converted: row.converted,
      holdout: row.holdout,
      holdoutConverted: row.holdout_converted,
      conversionRate: rate,
      holdoutConversionRate: holdoutRate,
      lift: rate !== null && holdoutRate !== null && holdoutRate > 0 ? (rate - holdoutRate) / holdoutRate : null,
    };
  });
}
