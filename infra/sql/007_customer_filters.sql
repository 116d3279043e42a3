-- Filters of the marketing list that single out few customers get an index in the keyset order
-- (customer id) of the pages, so that a page reads what it shows rather than the table.
CREATE INDEX customer_360_open_ticket_idx ON journey.customer_360 (customer_id) WHERE jsonb_array_length(open_tickets) > 0;
CREATE INDEX customer_360_country_idx ON journey.customer_360 (country, customer_id);
