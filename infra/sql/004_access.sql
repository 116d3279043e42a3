-- API keys and the access log (DESIGN §7). A key is shown once; only its SHA-256 is kept.
CREATE TABLE journey.api_keys (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('ingest', 'marketing', 'auditor', 'admin')),
  hash        bytea NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

-- Who asked what, when, and how it went: read by auditors, never updated.
CREATE TABLE journey.access_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL,
  key_id      text,
  role        text,
  method      text NOT NULL,
  route       text NOT NULL,
  path        text NOT NULL,
  filters     jsonb NOT NULL,
  status      integer NOT NULL,
  duration_ms real NOT NULL
);

CREATE INDEX access_log_at_idx ON journey.access_log (at);
CREATE INDEX access_log_key_idx ON journey.access_log (key_id, at);
