-- Each lifecycle stage change, kept from the log by the analytics:weekly subscription (its
-- checkpoint commits with them): the funnel counts a period's changes, and the customers who made
-- them, from here by the instant they occurred, instead of reading the whole log on each request.
CREATE TABLE journey.stage_changes (
  event_id uuid PRIMARY KEY,
  stream_id text NOT NULL,
  occurred_at timestamptz NOT NULL,
  from_stage text,
  to_stage text NOT NULL
);
CREATE INDEX stage_changes_occurred_idx ON journey.stage_changes (occurred_at);

-- The subscription folds the log again from its start, into every table it keeps.
TRUNCATE journey.weekly_sales, journey.weekly_stage_changes, journey.purchase_months, journey.retention_counts;
DELETE FROM journey.checkpoints WHERE name = 'analytics:weekly' OR starts_with(name, 'analytics:weekly#');
