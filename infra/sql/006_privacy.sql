-- Personal data at rest (DESIGN §4): the PII fields of events are sealed with a key per subject
-- (the stream: customer-<id> or visitor-<id>), each key wrapped by the master key, which never
-- reaches the database. Forgetting a subject destroys its key: the sealed fields stay in the
-- log, unreadable, and the hash chains that cover them still verify.
CREATE TABLE journey.subject_keys (
  subject      text PRIMARY KEY,
  -- the data key sealed by the master key (AES-256-GCM); NULL once the subject is forgotten
  wrapped      bytea,
  created_at   timestamptz NOT NULL DEFAULT now(),
  forgotten_at timestamptz,
  CHECK ((wrapped IS NULL) = (forgotten_at IS NOT NULL))
);

-- One row: a known text sealed by the master key, so that a wrong key is refused at start,
-- and the last global position stored before PII was sealed (0 once those events are sealed).
CREATE TABLE journey.privacy (
  id              boolean PRIMARY KEY DEFAULT true CHECK (id),
  master_check    bytea,
  plaintext_until bigint NOT NULL
);
INSERT INTO journey.privacy (plaintext_until) SELECT coalesce(max(global_position), 0) FROM journey.events;

-- Sealing the PII of events stored before it existed is the one rewrite the log ever sees: each
-- rewritten stream, with its chain head before and after, is recorded here for auditors.
CREATE TABLE journey.chain_rewrites (
  stream_id     text NOT NULL,
  reason        text NOT NULL,
  from_position bigint NOT NULL,
  old_head      bytea NOT NULL,
  new_head      bytea NOT NULL,
  rewritten_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stream_id, rewritten_at)
);
