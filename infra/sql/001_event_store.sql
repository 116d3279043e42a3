-- The append-only event store (DESIGN §4).
CREATE SCHEMA IF NOT EXISTS journey;

CREATE TABLE journey.streams (
  stream_id  text PRIMARY KEY,
  version    bigint NOT NULL DEFAULT 0 CHECK (version >= 0),
  -- the hash the stream's next event chains from; NULL until the first event
  last_hash  bytea
) WITH (fillfactor = 70); -- room on the page keeps the head updates HOT (no index writes)

CREATE TABLE journey.events (
  global_position bigint GENERATED ALWAYS AS IDENTITY,
  tx_id           xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       text NOT NULL,
  stream_position bigint NOT NULL CHECK (stream_position >= 1),
  event_id        uuid NOT NULL,
  type            text NOT NULL,
  version         integer NOT NULL,
  data            jsonb NOT NULL,
  metadata        jsonb NOT NULL,
  source          text NOT NULL,
  occurred_at     timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL,
  hash            bytea NOT NULL,
  PRIMARY KEY (stream_id, stream_position),
  CONSTRAINT events_event_id_key UNIQUE (event_id)
);

-- Readers of the global order page through (tx_id, global_position) below the safe horizon.
CREATE INDEX events_tx_position_idx ON journey.events (tx_id, global_position);

-- Nothing accepted is ever changed or removed (journey.refuse_change is in functions/).
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON journey.events
  FOR EACH ROW EXECUTE FUNCTION journey.refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON journey.events
  FOR EACH STATEMENT EXECUTE FUNCTION journey.refuse_change();

-- Durable positions of named consumers of the global order.
CREATE TABLE journey.checkpoints (
  name       text PRIMARY KEY,
  tx_id      xid8 NOT NULL DEFAULT '0',
  position   bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);
