-- Customers are split into P partitions (by Kafka's hash of the customer or anonymous id). Each
-- consumer group (the customer projection, the saga) shares its partitions among the processes
-- alive: a process is a member while it renews its row, and holds a partition while it renews
-- the partition's lease. A batch commits only while its process still holds the lease.
CREATE TABLE journey.lease_members (
  grp        text NOT NULL,
  member     text NOT NULL,
  seen_until timestamptz NOT NULL,
  PRIMARY KEY (grp, member)
);

CREATE TABLE journey.partition_leases (
  grp         text NOT NULL,
  partition   integer NOT NULL,
  partitions  integer NOT NULL,
  owner       text,
  lease_until timestamptz NOT NULL DEFAULT '-infinity',
  PRIMARY KEY (grp, partition),
  CHECK (partition >= 0 AND partition < partitions)
);

-- Whether a visitor's event comes after a link of that visitor, asked by the partition that folds
-- it (the link may be in another partition): an index of the links alone.
CREATE INDEX events_identity_links_idx ON journey.events ((data->>'anonymousId')) WHERE type = 'IdentityLinked';
