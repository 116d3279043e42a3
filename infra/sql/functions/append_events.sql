/*
 * Appends one group-commit batch in one statement (DESIGN §4). The caller planned positions and
 * hashes from the stream heads it believes current: for each stream (p_stream_ids, in sorted
 * order, which is the lock order), the version it builds on (p_bases), the version after the
 * batch (p_versions) and the hash after the batch (p_hashes, hex). p_events holds one line per
 * event: a JSON object with the fields of its envelope and its hash, keys in jsonb's order (JSON
 * text holds no raw line break, so a line is one event, parsed once into its own jsonb value);
 * p_event_ids their ids.
 *
 * The writes are the checks, so a batch whose plan is right costs one lookup per stream and per
 * id. Each stream row is written once: inserted with its new head, or updated only where it still
 * is at the version the batch builds on (the update waits for a concurrent writer of the row,
 * then rechecks). The events are inserted only when every stream advanced; otherwise the function
 * raises JR001 with the actual heads of the streams it could not advance in the detail, which
 * rolls everything back. A stored event id raises the unique violation of events_event_id_key.
 *
 * The global order is (tx_id, global_position), so a stream's events must be written by
 * transactions in increasing id order. Inside a transaction that has already written, a stream
 * last written by a transaction with a higher id than this one raises 40001, and the caller runs
 * its transaction again with a new id; a transaction that has written nothing yet takes its id
 * here, after every committed writer. The reply is {"tx": "<xid8>"}, the id of the transaction.
 * Streams travel as arrays so that the planner sees how few they are and uses the indexes.
 */
CREATE OR REPLACE FUNCTION journey.append_events(
  p_stream_ids text[], p_bases bigint[], p_versions bigint[], p_hashes text[],
  p_events text, p_event_ids uuid[])
RETURNS json
LANGUAGE plpgsql
-- Every read here is a lookup by key. PL/pgSQL keeps the plans it made while the tables were
-- small, and a scan that was cheap on an empty table would stay in them as the table grows.
SET enable_seqscan = off
-- The same few statements run on every batch: one plan per connection serves every batch size,
-- where custom plans would be made again on every call while the tables are small.
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  -- NULL while this transaction has written nothing: every committed writer then came before it.
  v_tx xid8 := pg_current_xact_id_if_assigned();
  v_later text;
  v_unmatched bigint;
  v_result json;
BEGIN
  IF v_tx IS NOT NULL THEN
    SELECT min(x.s) INTO v_later
    FROM unnest(p_stream_ids) AS x(s) JOIN journey.streams s ON s.stream_id = x.s
    WHERE s.last_tx > v_tx;
    IF v_later IS NOT NULL THEN
      RAISE EXCEPTION 'stream % was written by a later transaction; run the transaction again', v_later
        USING ERRCODE = 'serialization_failure';
    END IF;
  END IF;

  WITH heads AS (
    SELECT x.s, x.v, x.nv, decode(x.h, 'hex') AS h
    FROM unnest(p_stream_ids, p_bases, p_versions, p_hashes) AS x(s, v, nv, h)
  ),
  created AS (
    INSERT INTO journey.streams (stream_id, version, last_hash, last_tx)
    SELECT heads.s, heads.nv, heads.h, pg_current_xact_id() FROM heads WHERE heads.v = 0
    ON CONFLICT (stream_id) DO NOTHING
    RETURNING 1
  ),
  advanced AS (
    UPDATE journey.streams s SET version = heads.nv, last_hash = heads.h, last_tx = pg_current_xact_id()
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
    FROM string_to_table(p_events, E'\n') AS line, jsonb_to_record(line::jsonb) AS x(
      data jsonb, "eventId" uuid, metadata jsonb, "occurredAt" timestamptz, "recordedAt" timestamptz, source text,
      "streamId" text, "streamPosition" bigint, type text, version integer, hash text)
    WHERE (SELECT n FROM unmatched) = 0
  )
  -- (A data-modifying WITH runs to completion whether or not the query reads it.)
  SELECT n INTO v_unmatched FROM unmatched;

  IF v_unmatched > 0 THEN
    -- Heads of the streams this statement could not advance (its own writes are rolled back).
    SELECT json_agg(json_build_object('s', x.s, 'v', coalesce(s.version, 0), 'h', encode(s.last_hash, 'hex')))
    INTO v_result
    FROM unnest(p_stream_ids, p_versions, p_hashes) AS x(s, nv, h)
    LEFT JOIN journey.streams s ON s.stream_id = x.s
    WHERE s.stream_id IS NULL OR s.version <> x.nv OR s.last_hash IS DISTINCT FROM decode(x.h, 'hex')
       OR s.last_tx IS DISTINCT FROM pg_current_xact_id();
    RAISE EXCEPTION 'stream heads moved' USING ERRCODE = 'JR001', DETAIL = v_result::text;
  END IF;
  RETURN json_build_object('tx', pg_current_xact_id()::text);
END
$$;
