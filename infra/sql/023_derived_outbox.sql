-- Events a unit of work derived and that are appended once it commits (UnitOfWork.appendAfterCommit):
-- recorded here in the unit's transaction, so they exist exactly when the unit's other writes do,
-- then appended beside it by group commit and deleted. The unit itself takes no lock on their
-- streams, so it cannot lose a race for a stream's order to ingest writing the same customer. A
-- row left by a crash between the commit and the append is appended by the next flush (the
-- events' ids derive from what caused them: appended twice, the second is a duplicate).
CREATE TABLE journey.derived_outbox (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream_id   text NOT NULL,
  events      jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
