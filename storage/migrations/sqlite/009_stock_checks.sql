-- The parity report's history (issue 12 §3): one row per check of a
-- warehouse with its counts per class, and one row per good that was not
-- matched (matched goods are only counted). Old checks are deleted after
-- a retention period; their lines go with them.
CREATE TABLE stock_checks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    warehouse   TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    goods       INTEGER NOT NULL DEFAULT 0, -- goods compared
    matched     INTEGER NOT NULL DEFAULT 0,
    in_flight   INTEGER NOT NULL DEFAULT 0,
    explained   INTEGER NOT NULL DEFAULT 0,
    unexplained INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '' -- the check could not be made
);
CREATE INDEX stock_checks_warehouse ON stock_checks (warehouse, id);
CREATE INDEX stock_checks_started ON stock_checks (started_at);

CREATE TABLE stock_check_lines (
    check_id        INTEGER NOT NULL REFERENCES stock_checks (id) ON DELETE CASCADE,
    good_id         TEXT NOT NULL DEFAULT '', -- '' for a MoySklad good unknown to the warehouse
    assortment_id   TEXT NOT NULL DEFAULT '', -- '' for a warehouse good unknown to MoySklad
    assortment_type TEXT NOT NULL DEFAULT '',
    name            TEXT NOT NULL DEFAULT '',
    class           TEXT NOT NULL,
    expected        REAL NOT NULL DEFAULT 0, -- what MoySklad should hold by the warehouse's stock
    actual          REAL NOT NULL DEFAULT 0, -- what MoySklad holds at the warehouse's stores
    stores          BLOB, -- JSON: the same per store
    documents       BLOB, -- JSON: the warehouse documents that moved the good and skladflow's state of each
    note            TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (check_id, good_id, assortment_id)
);
