-- The global order is (tx_id, global_position), so a stream's events must be written by
-- transactions in increasing id order. A transaction can hold an id from before another one
-- wrote and committed the same stream (it got its id at an earlier write, or in an attempt it
-- rolled back to a savepoint): if it then appended after that writer, its later positions would
-- sort before the earlier ones. Each stream row remembers its last writer, so that
-- append_events can refuse such an append with a serialization failure (40001): the caller runs
-- its transaction again, with a new id.
ALTER TABLE journey.streams ADD COLUMN last_tx xid8;
