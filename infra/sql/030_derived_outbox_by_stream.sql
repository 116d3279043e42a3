-- The derived outbox by stream: a flush looks for rows of its streams that another flush holds,
-- which would otherwise read the whole table (refused rows stay in it) on every unit's commit.
CREATE INDEX derived_outbox_stream_idx ON journey.derived_outbox (stream_id, id) WHERE refused IS NULL;
