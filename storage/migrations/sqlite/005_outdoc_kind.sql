-- How a warehouse document was applied (a part counted in later, the final
-- receipt, a late addition to a posted document) and what it changed, kept
-- when it is applied: a correction undoes exactly that record instead of
-- judging the document again from a state that has moved on.
ALTER TABLE outdocs ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE outdocs ADD COLUMN change BLOB;
