/*
 * journey.append_events inside a caller's transaction, in one round trip. The exception block is
 * a subtransaction: a batch whose plan was wrong (JR001 with the actual heads, a taken position,
 * an event id already stored, a conflict with a later transaction) rolls back alone and comes
 * back as {"error": {code, message, detail, constraint}}, leaving the caller's other work intact
 * for the batch to be planned again. An append that succeeds notifies p_channel with the
 * transaction's id, delivered when the caller commits; the reply is append_events' {"tx": …}.
 */
CREATE OR REPLACE FUNCTION journey.append_events_within(
  p_stream_ids text[], p_bases bigint[], p_versions bigint[], p_hashes text[],
  p_events text, p_channel text)
RETURNS json
LANGUAGE plpgsql
AS $$
DECLARE
  v_reply json;
  v_code text;
  v_message text;
  v_detail text;
  v_constraint text;
BEGIN
  v_reply := journey.append_events(p_stream_ids, p_bases, p_versions, p_hashes, p_events, '{}'::uuid[]);
  PERFORM pg_notify(p_channel, v_reply->>'tx');
  RETURN v_reply;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS v_code = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
    v_detail = PG_EXCEPTION_DETAIL, v_constraint = CONSTRAINT_NAME;
  RETURN json_build_object('error', json_build_object(
    'code', v_code, 'message', v_message, 'detail', nullif(v_detail, ''), 'constraint', nullif(v_constraint, '')));
END
$$;
