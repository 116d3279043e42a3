import type { ChurnBand } from '@journey/contracts';
import type { Queryable } from '@journey/database';
import type { CustomerPredictions } from '@journey/domain';
import type { Prediction } from '@journey/predictions';

export const PREDICTIONS_TABLE = 'journey.customer_predictions';

export type { CustomerPredictions };

export interface PredictionRow extends Prediction {
  readonly customerId: string;
  readonly frequency: number;
  readonly recency: number;
  readonly T: number;
  readonly recommendations: readonly string[];
}

const COLUMNS =
  'customer_id text, fit_id uuid, scored_at timestamptz, frequency integer, recency_weeks float8, age_weeks float8, p_alive float8, churn_band text, ' +
  'expected_30d float8, expected_90d float8, expected_365d float8, expected_aov bigint, clv_12m bigint, currency text, recommendations jsonb';
const NAMES = COLUMNS.split(', ').map((c) => c.split(' ')[0]!);
/** The stored top five is the run's to replace: written by a run, or by a live fold the run's snapshot saw (no snapshot: any). */
const OURS = 't.recommended_by IS NULL OR $2::pg_snapshot IS NULL OR pg_visible_in_snapshot(t.recommended_by, $2::pg_snapshot)';

/**
 * Writes one run's rows, in one statement per call (the rows as one json parameter). A top five
 * the live fold wrote in a transaction the run's `recommendedAsOf` snapshot did not see is kept:
 * it was computed from items the run did not read. Without a snapshot, every row is replaced.
 */
export async function savePredictions(
  db: Queryable,
  rows: readonly PredictionRow[],
  fit: { fitId: string; scoredAt: string; currency: string; recommendedAsOf?: string },
): Promise<void> {
  if (rows.length === 0) return;
  const json = rows.map((r) => ({
    customer_id: r.customerId,
    fit_id: fit.fitId,
    scored_at: fit.scoredAt,
    frequency: r.frequency,
    recency_weeks: r.recency,
    age_weeks: r.T,
    p_alive: r.pAlive,
    churn_band: r.churnBand,
    expected_30d: r.expected30d,
    expected_90d: r.expected90d,
    expected_365d: r.expected365d,
    expected_aov: r.expectedAov,
    clv_12m: r.clv12m,
    currency: fit.currency,
    recommendations: r.recommendations,
  }));
  await db.query(
    `INSERT INTO ${PREDICTIONS_TABLE} AS t (${NAMES.join(', ')}) SELECT ${NAMES.join(', ')} FROM json_to_recordset($1::json) AS x(${COLUMNS})
     ON CONFLICT (customer_id) DO UPDATE SET ${NAMES.slice(1, -1).map((n) => `${n} = EXCLUDED.${n}`).join(', ')},
       recommendations = CASE WHEN ${OURS} THEN EXCLUDED.recommendations ELSE t.recommendations END,
       recommended_by = CASE WHEN ${OURS} THEN NULL ELSE t.recommended_by END`,
    [JSON.stringify(json), fit.recommendedAsOf ?? null],
  );
}

/** Every customer's current band (what a run compares its new bands with). */
export async function currentBands(db: Queryable): Promise<Map<string, ChurnBand>> {
  const bands = new Map<string, ChurnBand>();
  let after = '';
  for (;;) {
    const { rows } = await db.query<{ customer_id: string; churn_band: ChurnBand }>(
      `SELECT customer_id, churn_band FROM ${PREDICTIONS_TABLE} WHERE customer_id > $1 ORDER BY customer_id LIMIT 20000`,
      [after],
    );
    if (rows.length === 0) return bands;
    for (const row of rows) bands.set(row.customer_id, row.churn_band);
    after = rows[rows.length - 1]!.customer_id;
  }
}

export async function predictionsOf(db: Queryable, customerId: string): Promise<CustomerPredictions | null> {
  return (await predictionsFor(db, [customerId])).get(customerId) ?? null;
}

/** The predictions of several customers in one query (the saga's batch reads them for its conditions and templates). */
export async function predictionsFor(db: Queryable, customerIds: readonly string[]): Promise<Map<string, CustomerPredictions>> {
  const found = new Map<string, CustomerPredictions>();
  if (customerIds.length === 0) return found;
  const { rows } = await db.query<{
    fit_id: string;
    scored_at: Date;
    p_alive: number;
    churn_band: ChurnBand;
    expected_30d: number;
    expected_90d: number;
    expected_365d: number;
    expected_aov: number | string;
    clv_12m: number | string;
    currency: string;
    recommendations: string[];
    customer_id: string;
  }>(`SELECT * FROM ${PREDICTIONS_TABLE} WHERE customer_id = ANY($1::text[])`, [customerIds]);
  for (const row of rows) found.set(row.customer_id, {
    fitId: row.fit_id,
    scoredAt: new Date(row.scored_at).toISOString(),
    pAlive: row.p_alive,
    churnRisk: 1 - row.p_alive,
    churnBand: row.churn_band,
    expectedPurchases30d: row.expected_30d,
    expectedPurchases90d: row.expected_90d,
    expectedPurchases365d: row.expected_365d,
    expectedAov: Number(row.expected_aov),
    clv: Number(row.clv_12m),
    currency: row.currency,
    recommendations: row.recommendations,
  });
  return found;
}
