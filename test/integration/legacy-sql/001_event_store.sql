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

-- Nothing accepted is ever changed or removed.
CREATE FUNCTION journey.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'journey.events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

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

/*
 * Appends one group-commit batch in one statement. The caller planned positions and hashes from
 * the stream heads it believes current: for each stream (p_stream_ids, in sorted order, which is
 * the lock order), the version it builds on (p_bases), the version after the batch (p_versions)
 * and the hash after the batch (p_hashes, hex). p_events holds each event's canonical envelope
 * (the text its hash covers) with the hash added; p_event_ids their ids. The reply is json:
 *   {"stale": [{s, v, h}]}       some streams are not where the caller believed: their heads
 *   {"existing": [{...event}]}   stored events reuse ids of the batch
 *   {"tx": "<xid8>"}             written; the id of the transaction
 * Nothing is written in the first two cases. Both checks read before writing, so that the common
 * corrections (a cold cache after a restart, a client's retry) cost no error. Each stream row is
 * then written once: inserted with its new head, or updated only where it still is at the version
 * the batch builds on (the update waits for a concurrent writer of the row, then rechecks); a
 * writer that slipped in between the check and the write makes the function raise JR001, with
 * the actual heads in the detail, which rolls everything back. Streams travel as arrays so that
 * the planner sees how few they are and uses the indexes.
 */
CREATE FUNCTION journey.append_events(
  p_stream_ids text[], p_bases bigint[], p_versions bigint[], p_hashes text[],
  p_events json, p_event_ids uuid[])
RETURNS json
LANGUAGE plpgsql
-- Every read here is a lookup by key. PL/pgSQL keeps the plans it made while the tables were
-- small, and a scan that was cheap on an empty table stays in them as the table grows.
SET enable_seqscan = off
AS $$
DECLARE
  v_unmatched bigint;
  v_result json;
BEGIN
  SELECT json_agg(json_build_object('s', x.s, 'v', coalesce(s.version, 0), 'h', encode(s.last_hash, 'hex')))
  INTO v_result
  FROM unnest(p_stream_ids, p_bases) AS x(s, v)
  LEFT JOIN journey.streams s ON s.stream_id = x.s
  WHERE coalesce(s.version, 0) <> x.v;
  IF v_result IS NOT NULL THEN
    RETURN json_build_object('stale', v_result);
  END IF;

  SELECT json_agg(json_build_object(
           'eventId', e.event_id, 'streamId', e.stream_id, 'streamPosition', e.stream_position,
           'type', e.type, 'version', e.version, 'data', e.data, 'metadata', e.metadata,
           'source', e.source, 'occurredAt', e.occurred_at))
  INTO v_result
  FROM journey.events e
  WHERE e.event_id = ANY (p_event_ids);
  IF v_result IS NOT NULL THEN
    RETURN json_build_object('existing', v_result);
  END IF;

  -- Events are inserted only when every stream matched, so a mismatch costs no insert.
  WITH heads AS (
    SELECT x.s, x.v, x.nv, decode(x.h, 'hex') AS h
    FROM unnest(p_stream_ids, p_bases, p_versions, p_hashes) AS x(s, v, nv, h)
  ),
  created AS (
    INSERT INTO journey.streams (stream_id, version, last_hash)
    SELECT heads.s, heads.nv, heads.h FROM heads WHERE heads.v = 0
    ON CONFLICT (stream_id) DO NOTHING
    RETURNING 1
  ),
  advanced AS (
    UPDATE journey.streams s SET version = heads.nv, last_hash = heads.h
    FROM heads
    WHERE heads.v > 0 AND s.stream_id = heads.s AND s.version = heads.v
    RETURNING 1
  ),
  unmatched AS (
    SELECT cardinality(p_stream_ids) - (SELECT count(*) FROM created) - (SELECT count(*) FROM advanced) AS n
  ),
  appended AS (
    INSERT INTO journey.events
      (stream_id, stream_position, event_id, type, version, data, metadata, source, occurred_at, recorded_at, hash)
    SELECT x."streamId", x."streamPosition", x."eventId", x.type, x.version, x.data, x.metadata, x.source,
           x."occurredAt", x."recordedAt", decode(x.hash, 'hex')
    FROM json_to_recordset(p_events) AS x(
      data jsonb, "eventId" uuid, metadata jsonb, "occurredAt" timestamptz, "recordedAt" timestamptz, source text,
      "streamId" text, "streamPosition" bigint, type text, version integer, hash text)
    WHERE (SELECT n FROM unmatched) = 0
  )
  -- (A data-modifying WITH runs to completion whether or not the query reads it.)
  SELECT n INTO v_unmatched FROM unmatched;

  IF v_unmatched > 0 THEN
    -- Heads of the streams this batch could not advance (its own writes are rolled back).
    SELECT json_agg(json_build_object('s', x.s, 'v', coalesce(s.version, 0), 'h', encode(s.last_hash, 'hex')))
    INTO v_result
    FROM unnest(p_stream_ids, p_versions, p_hashes) AS x(s, nv, h)
    LEFT JOIN journey.streams s ON s.stream_id = x.s
    WHERE s.stream_id IS NULL OR s.version <> x.nv OR s.last_hash IS DISTINCT FROM decode(x.h, 'hex');
    RAISE EXCEPTION 'stream heads moved' USING ERRCODE = 'JR001', DETAIL = v_result::text;
  END IF;
  RETURN json_build_object('tx', pg_current_xact_id()::text);
END
$$;
