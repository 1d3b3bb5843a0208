-- The document's positions before a receipt was applied: a correction by
-- the warehouse reverts exactly to them.
ALTER TABLE outdocs ADD COLUMN before BYTEA;
