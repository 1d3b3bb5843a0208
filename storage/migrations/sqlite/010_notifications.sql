-- Ingest at the storage limit (issue 13): a notification's raw body is
-- stored once, not once per event, and a large notification is stored with
-- its accepted events encoded in one column and fanned out to inbox rows
-- and jobs by a job after the answer. events is NULL once fanned out (or
-- when the events were stored at once).
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    source      TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    payload     BLOB,
    events      BLOB,
    received_at TEXT NOT NULL
);

ALTER TABLE inbox ADD COLUMN notification_id INTEGER REFERENCES notifications (id);

-- An event is answered once its row is durable; its job is made after the
-- answer by the dispatcher (storage/dispatch.go), which marks the row.
-- Rows from before are dispatched: their jobs exist.
ALTER TABLE inbox ADD COLUMN dispatched INTEGER NOT NULL DEFAULT 1;
CREATE INDEX inbox_undispatched ON inbox (id) WHERE dispatched = 0;
