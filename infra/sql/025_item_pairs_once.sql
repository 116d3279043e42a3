-- Each pair of items once, its lower SKU (in code-point order, COLLATE "C") as sku_a: a purchase
-- or view moves one row per pair rather than two. An item's neighbours are the rows with it on
-- either side: a range of the key, and a range of the index on sku_b.
DELETE FROM journey.item_pairs WHERE sku_a COLLATE "C" > sku_b COLLATE "C";
CREATE INDEX item_pairs_b_idx ON journey.item_pairs (sku_b, sku_a);
