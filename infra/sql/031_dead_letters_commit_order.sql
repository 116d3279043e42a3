-- Dead letters are listed in commit order, below the oldest transaction in flight, as the event
-- log is read: several partitions and processes record them at once, and an id taken at insert
-- becomes visible only at commit. Rows recorded before this one sort first (tx_id 0), by id; the
-- constant default adds the column without rewriting the table.
ALTER TABLE journey.dead_letters ADD COLUMN tx_id xid8 NOT NULL DEFAULT '0';
ALTER TABLE journey.dead_letters ALTER COLUMN tx_id SET DEFAULT pg_current_xact_id();
CREATE INDEX dead_letters_commit_order_idx ON journey.dead_letters (tx_id, id);
