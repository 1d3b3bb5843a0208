-- Every warehouse key (task number, order number) a document has had: a
-- document may be handed to the warehouse more than once (a new attempt,
-- a move shipped out of one warehouse and then received by another), and
-- a warehouse document about an earlier key must still find it.
CREATE TABLE document_keys (
    key      TEXT COLLATE "C" PRIMARY KEY,
    doc_type TEXT COLLATE "C" NOT NULL,
    doc_id   TEXT COLLATE "C" NOT NULL
);
INSERT INTO document_keys (key, doc_type, doc_id)
    SELECT indoc_id, doc_type, doc_id FROM documents WHERE indoc_id <> ''
    ON CONFLICT DO NOTHING;
