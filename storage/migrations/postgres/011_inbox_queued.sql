-- Batched reads (issue 14): the documents of a type with work queued are
-- read together; this finds them without scanning the processed events.
CREATE INDEX inbox_queued ON inbox (doc_type, id) WHERE processed_at IS NULL;
