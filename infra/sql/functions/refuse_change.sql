-- Refuses any change to the rows of the table whose trigger calls it: nothing accepted is ever
-- changed or removed (DESIGN §4).
CREATE OR REPLACE FUNCTION journey.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'journey.events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
