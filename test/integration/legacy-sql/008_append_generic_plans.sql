-- append_events runs the same few statements on every batch. Left to choose, PL/pgSQL plans them
-- again for every call while custom plans look cheaper than the generic one (as they do while the
-- tables are small), which costs a batch of one event more than its insert. The statements are
-- lookups by key (enable_seqscan is off in the function), so one plan per connection serves every
-- batch size.
ALTER FUNCTION journey.append_events(text[], bigint[], bigint[], text[], json, uuid[])
  SET plan_cache_mode = force_generic_plan;
