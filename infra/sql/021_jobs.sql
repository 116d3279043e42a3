-- Long jobs (projection rebuilds, prediction fits, ...) and where they stand, written by whichever
-- process runs them (the engine's schedule, the CLI, an API call) so every process can list them.
-- Progress is `done` of `total` within the current `phase`; `updated_at` moves with each report,
-- so a running job whose process died shows how long it has been silent.
CREATE TABLE journey.jobs (
  id          uuid PRIMARY KEY,
  kind        text NOT NULL,
  state       text NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  trigger     text,
  phase       text,
  done        bigint NOT NULL DEFAULT 0,
  total       bigint NOT NULL DEFAULT 0,
  started_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  error       text,
  report      jsonb
);

CREATE INDEX jobs_started_idx ON journey.jobs (started_at DESC);
