-- append_events takes its batch as lines of JSON text (functions/append_events.sql): the
-- signature that took a JSON array has no caller.
DROP FUNCTION IF EXISTS journey.append_events(text[], bigint[], bigint[], text[], json, uuid[]);
