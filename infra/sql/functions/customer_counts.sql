-- Keeps journey.customer_counts beside journey.customer_360: every statement that writes
-- customer rows appends what it changed in the counts per (stage, tier, segment, recency,
-- frequency), grouped over the statement's rows; forgotten customers are not counted. Appending
-- (never updating a shared row) keeps concurrent projector transactions from queueing on a hot
-- counter; journey.compact_customer_counts() folds the appended rows together now and then.
CREATE OR REPLACE FUNCTION journey.count_customer_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO journey.customer_counts (stage, tier, segment, recency, frequency, customers, monetary)
    SELECT stage, coalesce(tier, ''), coalesce(segment, ''), coalesce(rfm_recency, 0), coalesce(rfm_frequency, 0), count(*), coalesce(sum(rfm_monetary), 0)
    FROM added WHERE NOT forgotten GROUP BY 1, 2, 3, 4, 5;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO journey.customer_counts (stage, tier, segment, recency, frequency, customers, monetary)
    SELECT stage, coalesce(tier, ''), coalesce(segment, ''), coalesce(rfm_recency, 0), coalesce(rfm_frequency, 0), -count(*), -coalesce(sum(rfm_monetary), 0)
    FROM removed WHERE NOT forgotten GROUP BY 1, 2, 3, 4, 5;
  ELSE
    INSERT INTO journey.customer_counts (stage, tier, segment, recency, frequency, customers, monetary)
    SELECT stage, tier, segment, recency, frequency, sum(customers), sum(monetary)
    FROM (
      SELECT stage, coalesce(tier, '') AS tier, coalesce(segment, '') AS segment, coalesce(rfm_recency, 0) AS recency, coalesce(rfm_frequency, 0) AS frequency,
             1 AS customers, coalesce(rfm_monetary, 0) AS monetary
      FROM added WHERE NOT forgotten
      UNION ALL
      SELECT stage, coalesce(tier, ''), coalesce(segment, ''), coalesce(rfm_recency, 0), coalesce(rfm_frequency, 0), -1, -coalesce(rfm_monetary, 0)
      FROM removed WHERE NOT forgotten
    ) AS changes
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(customers) <> 0 OR sum(monetary) <> 0;
  END IF;
  RETURN NULL;
END $$;

-- Counts journey.customer_360 afresh and puts the triggers that keep the counts on it: at the
-- migration that adds the counts, and after a rebuild swaps a new table in.
CREATE OR REPLACE FUNCTION journey.reset_customer_counts() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DROP TRIGGER IF EXISTS customer_360_counts_insert ON journey.customer_360;
  DROP TRIGGER IF EXISTS customer_360_counts_update ON journey.customer_360;
  DROP TRIGGER IF EXISTS customer_360_counts_delete ON journey.customer_360;
  CREATE TRIGGER customer_360_counts_insert AFTER INSERT ON journey.customer_360
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION journey.count_customer_changes();
  CREATE TRIGGER customer_360_counts_update AFTER UPDATE ON journey.customer_360
    REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION journey.count_customer_changes();
  CREATE TRIGGER customer_360_counts_delete AFTER DELETE ON journey.customer_360
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION journey.count_customer_changes();
  DELETE FROM journey.customer_counts;
  INSERT INTO journey.customer_counts (stage, tier, segment, recency, frequency, customers, monetary)
  SELECT stage, coalesce(tier, ''), coalesce(segment, ''), coalesce(rfm_recency, 0), coalesce(rfm_frequency, 0), count(*), coalesce(sum(rfm_monetary), 0)
  FROM journey.customer_360 WHERE NOT forgotten GROUP BY 1, 2, 3, 4, 5;
END $$;

-- Folds the appended changes into one row per group (dropping groups that sum to nothing). Only
-- the rows this statement sees are folded; rows committed meanwhile wait for the next time.
CREATE OR REPLACE FUNCTION journey.compact_customer_counts() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  folded integer;
BEGIN
  WITH moved AS (
    DELETE FROM journey.customer_counts RETURNING stage, tier, segment, recency, frequency, customers, monetary
  ), summed AS (
    SELECT stage, tier, segment, recency, frequency, sum(customers) AS customers, sum(monetary) AS monetary, count(*) AS rows
    FROM moved GROUP BY 1, 2, 3, 4, 5
  ), kept AS (
    INSERT INTO journey.customer_counts (stage, tier, segment, recency, frequency, customers, monetary)
    SELECT stage, tier, segment, recency, frequency, customers, monetary FROM summed WHERE customers <> 0 OR monetary <> 0
  )
  SELECT coalesce(sum(rows), 0)::int INTO folded FROM summed;
  RETURN folded;
END $$;
