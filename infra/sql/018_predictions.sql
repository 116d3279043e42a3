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

-- Each fit's weekly sales forecast (52 weeks) and the backtest of the same models on the shop's
-- own history (calibration up to a cutoff, forecast of the holdout weeks after it, beside a naive
-- baseline). The latest row answers GET /v1/analytics/forecast.
CREATE TABLE journey.sales_forecasts (
  fit_id      uuid PRIMARY KEY,
  computed_at timestamptz NOT NULL,
  currency    text NOT NULL,
  forecast    jsonb NOT NULL,
  backtest    jsonb,
  -- Hit rate at 5 of the recommendations on a time split, beside the popularity baseline.
  recommendation_check jsonb
);
CREATE INDEX sales_forecasts_computed_at_idx ON journey.sales_forecasts (computed_at DESC);

-- What each customer bought and viewed, per product, kept current by its own subscription of
-- the log (projection:customer_items): the co-purchase similarity and the recommendations are
-- computed from it, and first_bought_at gives the evaluation its time split.
CREATE TABLE journey.customer_items (
  customer_id     text NOT NULL,
  sku             text NOT NULL,
  purchases       integer NOT NULL DEFAULT 0,
  first_bought_at timestamptz,
  last_bought_at  timestamptz,
  views           integer NOT NULL DEFAULT 0,
  last_viewed_at  timestamptz,
  PRIMARY KEY (customer_id, sku)
);
