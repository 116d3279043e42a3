-- One customer pass: the 360 is folded once per event and the rules judge the state each event
-- left in the same pass, under the customer projection's checkpoint. The saga's own copy of the
-- customers and its checkpoint go; timers and calendar rules read the 360.
DROP TABLE IF EXISTS journey.saga_customers;
DELETE FROM journey.checkpoints WHERE name = 'saga:journeys';

-- Calendar rules look customers up by the month and day of their birthday.
CREATE INDEX IF NOT EXISTS customer_360_birthday_idx ON journey.customer_360 ((substr(profile->>'birthday', 6, 5)))
  WHERE profile ? 'birthday';

-- Room on each page for the next version of a row, so that an event which changes no indexed
-- column (most browse events) updates the row in place (a HOT update) rather than writing a new
-- entry into every index. Pages written from now on keep it; a rebuild rewrites them all.
ALTER TABLE journey.customer_360 SET (fillfactor = 75);
ALTER TABLE journey.visitor_activity SET (fillfactor = 90);
