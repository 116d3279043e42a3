-- The 360's event history (the daily counts of the event-history conditions) is rewritten by
-- almost every event, and is the largest part of the row. Stored as the text of its JSON, an
-- update keeps the text as sent rather than converting it to jsonb and back: the customer pass
-- reads it whole and writes it whole, and the backfill's pre-filter reads one key as json.
ALTER TABLE journey.customer_360 ALTER COLUMN activity DROP DEFAULT;
ALTER TABLE journey.customer_360 ALTER COLUMN activity TYPE text USING activity::text;
ALTER TABLE journey.customer_360 ALTER COLUMN activity SET DEFAULT '{}';
