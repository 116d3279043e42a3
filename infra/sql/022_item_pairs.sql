-- The item-to-item similarity's sums, kept by the customer-items subscription in the transaction
-- that moves its checkpoint, so that a customer's recommendations are refreshed when they buy.
-- A customer's first 100 items (ordinal, the order they first bought or viewed them) are paired:
-- co = Σ w(a)·w(b) over the customers having both, w = 1 bought, 0.25 only viewed; norm = Σ w²;
-- buyers counts the customers who bought the item among those; last_seen is the item's last
-- purchase or view by any customer (the catalogue window). Cosine = co / √(norm_a · norm_b).

-- customer_items is folded again from the start of the log, to give every row its ordinal and
-- fill the new tables: the subscription starts over when its checkpoint is gone.
TRUNCATE journey.customer_items;
DELETE FROM journey.checkpoints WHERE name = 'projection:customer_items';
ALTER TABLE journey.customer_items ADD COLUMN ordinal integer NOT NULL;

-- Each pair twice, (a, b) and (b, a): an item's neighbours are one range of the key.
CREATE TABLE journey.item_pairs (
  sku_a text NOT NULL,
  sku_b text NOT NULL,
  co    double precision NOT NULL,
  PRIMARY KEY (sku_a, sku_b)
);

CREATE TABLE journey.item_stats (
  sku       text PRIMARY KEY,
  norm      double precision NOT NULL DEFAULT 0,
  buyers    integer NOT NULL DEFAULT 0,
  last_seen timestamptz
);

-- The transaction that last wrote a customer's recommendations from the subscription (null: the
-- scheduled run did). The run keeps those written after it began reading: they are newer than its own.
ALTER TABLE journey.customer_predictions ADD COLUMN recommended_by xid8;
