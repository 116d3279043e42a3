-- Small aggregates the console's overview reads instead of scanning the log on each load:
-- orders and revenue per UTC week and currency, and lifecycle stage changes per UTC week.
-- Kept by the analytics:weekly subscription (its checkpoint commits with these rows).
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

-- The console finds a customer by e-mail.
CREATE INDEX customer_360_email_idx ON journey.customer_360 (lower(profile->>'email'));
