CREATE TABLE inbox_requests (
    source      TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (source, request_id)
);

CREATE TABLE inbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    source       TEXT NOT NULL,
    request_id   TEXT NOT NULL,
    event_key    TEXT NOT NULL,
    doc_type     TEXT NOT NULL,
    doc_id       TEXT NOT NULL,
    payload      BLOB,
    received_at  TEXT NOT NULL,
    processed_at TEXT,
    UNIQUE (source, event_key)
);
CREATE INDEX inbox_doc ON inbox (doc_type, doc_id, processed_at);

CREATE TABLE documents (
    doc_type   TEXT NOT NULL,
    doc_id     TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    flow       TEXT NOT NULL DEFAULT '',
    state      TEXT NOT NULL DEFAULT '',
    warehouse  TEXT NOT NULL DEFAULT '',
    indoc_id   TEXT NOT NULL DEFAULT '',
    attempt    INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    version    INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (doc_type, doc_id)
);
CREATE INDEX documents_indoc ON documents (indoc_id);
CREATE INDEX documents_state ON documents (flow, state);

CREATE TABLE timeline (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_type TEXT NOT NULL,
    doc_id   TEXT NOT NULL,
    at       TEXT NOT NULL,
    kind     TEXT NOT NULL,
    message  TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX timeline_doc ON timeline (doc_type, doc_id, id);

CREATE TABLE outdocs (
    warehouse  TEXT NOT NULL,
    outdoc_id  INTEGER NOT NULL,
    type       TEXT NOT NULL DEFAULT '',
    indoc_id   TEXT NOT NULL DEFAULT '',
    part_num   INTEGER,
    status     TEXT NOT NULL,
    body       BLOB,
    error      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (warehouse, outdoc_id)
);
CREATE INDEX outdocs_indoc ON outdocs (indoc_id);
