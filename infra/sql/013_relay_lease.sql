-- A checkpoint can be leased by one process at a time: the log relay keeps its place in a
-- checkpoint and moves it only while the lease is its own, so that of several processes
-- configured to relay, one does (the others take over when its lease lapses).
ALTER TABLE journey.checkpoints ADD COLUMN owner text, ADD COLUMN lease_until timestamptz;
