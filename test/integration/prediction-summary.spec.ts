import { PredictionSummaryHandler } from '../../services/query/src/analytics/prediction-summary/prediction-summary.handler';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';

/** The predictions read model as the predictions work defines it (created here where no migration has). */
const TABLE = `CREATE TABLE IF NOT EXISTS journey.customer_predictions (
  customer_id text PRIMARY KEY, fit_id uuid NOT NULL, scored_at timestamptz NOT NULL, frequency integer NOT NULL,
  recency_weeks double precision NOT NULL, age_weeks double precision NOT NULL, p_alive double precision NOT NULL,
  churn_band text NOT NULL, expected_30d double precision NOT NULL, expected_90d double precision NOT NULL,
  expected_365d double precision NOT NULL, expected_aov bigint NOT NULL, clv_12m bigint NOT NULL, currency text NOT NULL,
  recommendations jsonb NOT NULL DEFAULT '[]')`;

describe.each(backends())('the prediction summary on %s', (backend) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('says predictions are not available on an engine that keeps none', async () => {
    const { rows } = await t.db.query<{ t: string | null }>(`SELECT to_regclass('journey.customer_predictions')::text AS t`);
    if (rows[0]!.t !== null) return; // the predictions read model is part of this engine
    expect(await new PredictionSummaryHandler(t.db).execute()).toEqual({ available: false, customers: 0, sampled: false, currency: null, pAlive: [], churnBands: {}, clvDeciles: [] });
  });

  it('gives the P(alive) distribution, the churn bands and the CLV deciles as shares of the scored customers', async () => {
    await t.db.exec(TABLE);
    // 100 customers: P(alive) i/100, CLV 100·i minor units, the band by P(alive).
    await t.db.query(
      `INSERT INTO journey.customer_predictions (customer_id, fit_id, scored_at, frequency, recency_weeks, age_weeks, p_alive, churn_band,
         expected_30d, expected_90d, expected_365d, expected_aov, clv_12m, currency)
       SELECT 'c' || i, '00000000-0000-4000-8000-000000000000', now(), 1, 1, 2, i / 100.0,
              CASE WHEN i < 30 THEN 'high' WHEN i < 60 THEN 'medium' ELSE 'low' END, 0, 0, 0, 0, 100 * i, 'EUR'
       FROM generate_series(0, 99) AS i`,
    );
    const summary = await new PredictionSummaryHandler(t.db).execute();
    expect(summary).toMatchObject({ available: true, customers: 100, sampled: false, currency: 'EUR', churnBands: { high: 0.3, medium: 0.3, low: 0.4 } });
    expect(summary.pAlive).toEqual(new Array(10).fill(0.1));
    expect(summary.clvDeciles).toHaveLength(10);
    expect(summary.clvDeciles[0]).toEqual({ decile: 1, minClv: 9000, maxClv: 9900, averageClv: 9450, share: 0.1 });
    expect(summary.clvDeciles[9]).toEqual({ decile: 10, minClv: 0, maxClv: 900, averageClv: 450, share: 0.1 });
  });
});
