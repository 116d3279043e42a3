-- Saved segments: every version of each definition kept (a membership change names the version
-- it was decided under); the current one is the highest, unless the segment is archived.
CREATE TABLE journey.segments (
  id          text NOT NULL,
  version     integer NOT NULL,
  name        text NOT NULL,
  definition  jsonb NOT NULL,
  archived    boolean NOT NULL DEFAULT false,
  saved_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, version)
);

-- Memberships live in the 360 (folded from SegmentEntered / SegmentExited); member_of lists the
-- segments a customer is in, for member pages and sizes; the activity holds the daily counts of
-- the event-history conditions; segment_review_at is when time alone may change a membership.
ALTER TABLE journey.customer_360
  ADD COLUMN segments jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN member_of text[] NOT NULL DEFAULT '{}',
  ADD COLUMN activity jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN segment_review_at timestamptz,
  ADD COLUMN segments_at timestamptz,
  ADD COLUMN scores jsonb NOT NULL DEFAULT '{}';
CREATE INDEX customer_360_member_of_idx ON journey.customer_360 USING gin (member_of);
CREATE INDEX customer_360_segment_review_idx ON journey.customer_360 (segment_review_at) WHERE segment_review_at IS NOT NULL;

-- Entries and exits per segment and UTC day, written in the transaction that records the
-- change: the size history is their running sum.
CREATE TABLE journey.segment_daily (
  segment_id  text NOT NULL,
  day         date NOT NULL,
  entered     integer NOT NULL DEFAULT 0,
  exited      integer NOT NULL DEFAULT 0,
  PRIMARY KEY (segment_id, day)
);

-- A backfill: one segment version evaluated over every customer, in keyset chunks of its own
-- transactions; `after` is the last customer done, so a restarted job goes on from there.
CREATE TABLE journey.segment_jobs (
  job_id       uuid PRIMARY KEY,
  segment_id   text NOT NULL,
  version      integer NOT NULL,
  status       text NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
  total        integer NOT NULL,
  done         integer NOT NULL DEFAULT 0,
  entered      integer NOT NULL DEFAULT 0,
  exited       integer NOT NULL DEFAULT 0,
  after        text NOT NULL DEFAULT '',
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz,
  error        text
);
CREATE INDEX segment_jobs_segment_idx ON journey.segment_jobs (segment_id, started_at DESC);
