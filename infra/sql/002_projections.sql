-- Read models (DESIGN §5). Everything here is derived from journey.events and can be rebuilt.

-- The customer 360: one row per customer, typed columns for what queries filter on, small
-- json documents for the rest. Recent activity is not copied here: the streams serve it.
CREATE TABLE journey.customer_360 (
  customer_id        text PRIMARY KEY,
  profile            jsonb NOT NULL,
  country            text,
  registered_at      timestamptz,
  signup_channel     text,
  identities         jsonb NOT NULL,
  consent            jsonb NOT NULL,
  orders             integer NOT NULL,
  orders_by_currency jsonb NOT NULL,
  revenue            jsonb NOT NULL,
  refunds            jsonb NOT NULL,
  refund_count       integer NOT NULL,
  first_purchase_at  timestamptz,
  last_purchase_at   timestamptz,
  categories         jsonb NOT NULL,
  products           jsonb NOT NULL,
  -- recent purchases, oldest first: [epoch ms, order id, total, currency]
  purchases          jsonb NOT NULL,
  views              integer NOT NULL,
  searches           integer NOT NULL,
  carts              integer NOT NULL,
  last_activity_at   timestamptz,
  open_tickets       jsonb NOT NULL,
  tickets_total      integer NOT NULL,
  last_satisfaction  smallint,
  nps                smallint,
  messages           jsonb NOT NULL,
  last_engagement_at timestamptz,
  stage              text NOT NULL,
  stage_since        timestamptz,
  lifecycle_as_of    bigint,
  next_review_at     timestamptz,
  tier               text,
  segment            text,
  rfm_recency        smallint,
  rfm_frequency      smallint,
  rfm_monetary       smallint,
  tier_since         timestamptz,
  forgotten          boolean NOT NULL,
  event_count        integer NOT NULL
);

CREATE INDEX customer_360_review_idx ON journey.customer_360 (next_review_at) WHERE next_review_at IS NOT NULL;
CREATE INDEX customer_360_stage_idx ON journey.customer_360 (stage, customer_id);
CREATE INDEX customer_360_tier_idx ON journey.customer_360 (tier, customer_id);
CREATE INDEX customer_360_segment_idx ON journey.customer_360 (segment, customer_id);

-- Anonymous visitors, and whom they turned out to be once linked.
CREATE TABLE journey.visitor_activity (
  anonymous_id   text PRIMARY KEY,
  customer_id    text,
  views          integer NOT NULL,
  searches       integer NOT NULL,
  carts          integer NOT NULL,
  first_seen_at  timestamptz,
  last_seen_at   timestamptz
);

CREATE INDEX visitor_activity_customer_idx ON journey.visitor_activity (customer_id) WHERE customer_id IS NOT NULL;
