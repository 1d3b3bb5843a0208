-- One MoySklad document's share of a warehouse document (an order of an
-- orders_shipment that carries many): each share is applied once, and what
-- it changed is kept for a correction to undo.
CREATE TABLE outdoc_parts (
    warehouse  TEXT NOT NULL,
    outdoc_id  INTEGER NOT NULL,
    key        TEXT NOT NULL,
    doc_type   TEXT NOT NULL DEFAULT '',
    doc_id     TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL,
    change     BLOB,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (warehouse, outdoc_id, key)
);
CREATE INDEX outdoc_parts_doc ON outdoc_parts (doc_type, doc_id);

-- Where a warehouse's feed read up to in shared reading mode
-- (#outdoc_share_desc): documents created before it were seen.
CREATE TABLE feed_cursors (
    warehouse TEXT PRIMARY KEY,
    read_to   TEXT NOT NULL
);
