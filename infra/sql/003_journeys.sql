-- Journeys (DESIGN §6): rules, the saga's decisions, its timers and its outbox.

-- Every saved version of every rule; the highest version of an id is the current one.
CREATE TABLE journey.rules (
  id         text NOT NULL,
  version    integer NOT NULL,
  definition jsonb NOT NULL,
  enabled    boolean NOT NULL,
  deleted    boolean NOT NULL DEFAULT false,
  saved_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, version)
);

-- The customer 360 as the saga's own position in the log left it (rules see each event's state).
CREATE TABLE journey.saga_customers (
  customer_id text PRIMARY KEY,
  state       jsonb NOT NULL,
  -- MM-DD of the birthday, for the daily scan of calendar rules
  birthday    text
);
CREATE INDEX saga_customers_birthday_idx ON journey.saga_customers (birthday) WHERE birthday IS NOT NULL;

-- One decision per rule version and trigger: taken once, whatever restarts.
CREATE TABLE journey.saga_decisions (
  rule_id          text NOT NULL,
  rule_version     integer NOT NULL,
  trigger_event_id uuid NOT NULL,
  customer_id      text NOT NULL,
  decision         text NOT NULL,
  reason           text,
  action_id        uuid,
  decided_at       timestamptz NOT NULL,
  PRIMARY KEY (rule_id, rule_version, trigger_event_id)
);

-- Waits (until a delay passes unless an event cancels them) and holds (until quiet hours end).
CREATE TABLE journey.saga_timers (
  id               uuid PRIMARY KEY,
  kind             text NOT NULL,
  rule_id          text NOT NULL,
  rule_version     integer NOT NULL,
  customer_id      text NOT NULL,
  trigger_event_id uuid NOT NULL,
  trigger          jsonb NOT NULL,
  depth            integer NOT NULL,
  since            timestamptz NOT NULL,
  due_at           timestamptz NOT NULL,
  state            text NOT NULL DEFAULT 'pending'
);
CREATE INDEX saga_timers_due_idx ON journey.saga_timers (due_at) WHERE state = 'pending';
CREATE INDEX saga_timers_customer_idx ON journey.saga_timers (customer_id) WHERE state = 'pending';

-- Actions decided and not yet delivered; delivered at least once, with retries and a dead letter.
CREATE TABLE journey.outbox (
  action_id        uuid PRIMARY KEY,
  rule_id          text NOT NULL,
  rule_version     integer NOT NULL,
  customer_id      text NOT NULL,
  trigger_event_id uuid NOT NULL,
  channel          text NOT NULL,
  target           text NOT NULL,
  body             text NOT NULL,
  depth            integer NOT NULL,
  state            text NOT NULL DEFAULT 'pending',
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL,
  locked_until     timestamptz,
  last_error       text,
  created_at       timestamptz NOT NULL,
  sent_at          timestamptz
);
CREATE INDEX outbox_due_idx ON journey.outbox (next_attempt_at) WHERE state = 'pending';

-- Actions sent to a customer (and holdout non-sends): what caps count and goals convert.
CREATE TABLE journey.saga_actions (
  action_id    uuid PRIMARY KEY,
  customer_id  text NOT NULL,
  rule_id      text NOT NULL,
  rule_version integer NOT NULL,
  channel      text NOT NULL,
  at           timestamptz NOT NULL,
  holdout      boolean NOT NULL,
  goal_until   timestamptz,
  converted_by uuid
);
CREATE INDEX saga_actions_customer_idx ON journey.saga_actions (customer_id, at);

-- Settings the engine keeps for itself (such as the webhook signing secret it generated).
CREATE TABLE journey.settings (
  key   text PRIMARY KEY,
  value text NOT NULL
);
