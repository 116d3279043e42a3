-- Small aggregates the console's overview reads instead of scanning large tables on each load.

-- Orders, revenue and refunds per UTC week and currency, and lifecycle stage changes per UTC
-- week, kept from the log by the analytics:weekly subscription (its checkpoint commits with them).
CREATE TABLE journey.weekly_sales (
  week date NOT NULL,
  currency text NOT NULL,
  orders integer NOT NULL DEFAULT 0,
  revenue bigint NOT NULL DEFAULT 0,
  refunds bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (week, currency)
);

CREATE TABLE journey.weekly_stage_changes (
  week date NOT NULL,
  from_stage text NOT NULL,
  to_stage text NOT NULL,
  changes integer NOT NULL DEFAULT 0,
  PRIMARY KEY (week, from_stage, to_stage)
);

-- Retention cohorts: the months each customer bought in (one row per customer and month), and
-- per cohort (the month of the first purchase) the customers who bought in each month; kept by
-- the same subscription (a late purchase older than a customer's first moves them to its cohort).
CREATE TABLE journey.purchase_months (
  stream_id text NOT NULL,
  month date NOT NULL,
  PRIMARY KEY (stream_id, month)
);

CREATE TABLE journey.retention_counts (
  cohort date NOT NULL,
  month date NOT NULL,
  customers integer NOT NULL,
  PRIMARY KEY (cohort, month)
);

-- Customers (not forgotten) per stage, tier, RFM segment and recency × frequency score, with
-- the sum of their monetary scores: changes appended by the triggers that
-- journey.reset_customer_counts() puts on journey.customer_360, summed when read ('' and 0
-- stand for no tier, segment or score).
CREATE TABLE journey.customer_counts (
  stage text NOT NULL,
  tier text NOT NULL,
  segment text NOT NULL,
  recency smallint NOT NULL,
  frequency smallint NOT NULL,
  customers bigint NOT NULL,
  monetary bigint NOT NULL
);

SELECT journey.reset_customer_counts();

-- The console finds a customer by e-mail.
CREATE INDEX customer_360_email_idx ON journey.customer_360 (lower(profile->>'email'));

-- A customer's journey in the console lists the rules' decisions about them.
CREATE INDEX saga_decisions_customer_idx ON journey.saga_decisions (customer_id, decided_at);
