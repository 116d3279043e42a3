import type { Queryable } from '@journey/database';

/**
 * What a rule did. Every match (one per rule version and trigger) is counted once, in the outcome
 * it has now, so that matched = waiting + cancelled + pending + dispatched + failed + the
 * suppressions by reason; conversions and the holdout come on top.
 */
export interface RuleResults {
  readonly ruleId: string;
  readonly matched: number;
  /**
   * Suppressed by reason: holdout, caps, consent, … `when_due` for a wait or hold suppressed when
   * it fell due, and the reason delivery gave for an action it did not send (consent withdrawn,
   * the customer forgotten, after the decision).
   */
  readonly suppressed: Readonly<Record<string, number>>;
  /** Waiting for the rule's wait, or held by its quiet hours, to end. */
  readonly waiting: number;
  /** Waits an event ended before they fell due. */
  readonly cancelled: number;
  readonly dispatched: number;
  readonly failed: number;
  /** Decided, not yet delivered. */
  readonly pending: number;
  readonly converted: number;
  readonly holdout: number;
  readonly holdoutConverted: number;
  /** Conversions of dispatched actions per dispatched action, and per holdout customer. */
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
    cancelled: number;
    dispatched: number;
    failed: number;
    pending: number;
    converted: number;
    holdout: number;
    holdout_converted: number;
  }>(
    `WITH outcome AS (
       SELECT d.rule_id,
              CASE WHEN o.state = 'sent' THEN 'dispatched' WHEN o.state = 'dead' THEN 'failed' WHEN o.state = 'cancelled' THEN 'suppressed'
                   WHEN o.state IS NOT NULL THEN 'pending'
                   WHEN t.state = 'pending' THEN 'waiting' WHEN t.state = 'cancelled' THEN 'cancelled'
                   WHEN t.state = 'fired' OR d.decision = 'suppress' THEN 'suppressed' ELSE 'pending' END AS outcome,
              -- Only a forget cancelled rows before delivery judged consent again: those name no reason of their own.
              CASE WHEN o.state = 'cancelled' THEN CASE WHEN o.last_error = 'no_consent' THEN 'no_consent' ELSE 'forgotten' END
                   WHEN o.state IS NULL AND t.state = 'fired' THEN 'when_due' ELSE d.reason END AS reason
       FROM journey.saga_decisions d
       LEFT JOIN journey.outbox o ON o.action_id = d.action_id
       LEFT JOIN journey.saga_timers t ON t.id = d.action_id
       WHERE $1::text IS NULL OR d.rule_id = $1),
     d AS (
       SELECT rule_id, count(*)::int AS matched,
              count(*) FILTER (WHERE outcome = 'waiting')::int AS waiting, count(*) FILTER (WHERE outcome = 'cancelled')::int AS cancelled,
              count(*) FILTER (WHERE outcome = 'dispatched')::int AS dispatched, count(*) FILTER (WHERE outcome = 'failed')::int AS failed,
              count(*) FILTER (WHERE outcome = 'pending')::int AS pending
       FROM outcome GROUP BY rule_id),
     s AS (
       SELECT rule_id, jsonb_object_agg(reason, n) AS suppressed
       FROM (SELECT rule_id, reason, count(*)::int AS n FROM outcome WHERE outcome = 'suppressed' GROUP BY rule_id, reason) x
       GROUP BY rule_id),
     a AS (
       SELECT a.rule_id, count(*) FILTER (WHERE NOT a.holdout AND a.converted_by IS NOT NULL AND o.state = 'sent')::int AS converted,
              count(*) FILTER (WHERE a.holdout)::int AS holdout,
              count(*) FILTER (WHERE a.holdout AND a.converted_by IS NOT NULL)::int AS holdout_converted
       FROM journey.saga_actions a LEFT JOIN journey.outbox o ON o.action_id = a.action_id
       WHERE $1::text IS NULL OR a.rule_id = $1 GROUP BY a.rule_id)
     SELECT d.rule_id, d.matched, s.suppressed, d.waiting, d.cancelled, d.dispatched, d.failed, d.pending,
            coalesce(a.converted, 0) AS converted, coalesce(a.holdout, 0) AS holdout, coalesce(a.holdout_converted, 0) AS holdout_converted
     FROM d LEFT JOIN s USING (rule_id) LEFT JOIN a USING (rule_id)
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
      cancelled: row.cancelled,
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
