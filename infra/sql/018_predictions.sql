-- The purchase models' predictions per customer: a read model of its own (not columns of the hot
-- customer_360 row), rewritten whole by each scoring run and joined into the 360 answer. Every
-- row names the fit (the ModelFitted event on the model-purchase stream) that made it.
CREATE TABLE journey.customer_predictions (
  customer_id     text PRIMARY KEY,
  fit_id          uuid NOT NULL,
  scored_at       timestamptz NOT NULL,
  frequency       integer NOT NULL,
  recency_weeks   double precision NOT NULL,
  age_weeks       double precision NOT NULL,
  p_alive         double precision NOT NULL,
  churn_band      text NOT NULL CHECK (churn_band IN ('low', 'medium', 'high')),
  expected_30d    double precision NOT NULL,
  expected_90d    double precision NOT NULL,
  expected_365d   double precision NOT NULL,
  expected_aov    bigint NOT NULL,
  clv_12m         bigint NOT NULL,
  currency        text NOT NULL,
  recommendations jsonb NOT NULL DEFAULT '[]'
);

-- Segment-style questions ("churn risk high and CLV over 500") read these, not the whole table.
CREATE INDEX customer_predictions_band_clv_idx ON journey.customer_predictions (churn_band, clv_12m DESC);
CREATE INDEX customer_predictions_p_alive_idx ON journey.customer_predictions (p_alive);
