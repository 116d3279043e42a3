-- The access log is read in commit order, below the oldest transaction in flight, as the event
-- log is read: every process writes its own batches, and an id taken at insert becomes visible
-- only at commit. Rows written before this one sort first (tx_id 0), by id; the constant default
-- adds the column without rewriting the table.
ALTER TABLE journey.access_log ADD COLUMN tx_id xid8 NOT NULL DEFAULT '0';
ALTER TABLE journey.access_log ALTER COLUMN tx_id SET DEFAULT pg_current_xact_id();
CREATE INDEX access_log_commit_order_idx ON journey.access_log (tx_id, id);
