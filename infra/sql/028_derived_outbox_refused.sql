-- A derived event whose id the log already holds with other content (the same cause decided
-- again, differently) is refused by the append. Its outbox row is then kept with the refusal, out
-- of the queue, rather than left first in line where every later flush would stop on it.
ALTER TABLE journey.derived_outbox ADD COLUMN refused jsonb;
