-- A linked customer's events wait for the partitions of the visitors linked to them (the customer
-- pass's crossPartition): the links of a batch's customers, found by their streams.
CREATE INDEX events_identity_links_stream_idx ON journey.events (stream_id) WHERE type = 'IdentityLinked';
