-- One rate limit shared by every replica (issue 15): per key (an account's
-- MoySklad limit), the earliest next request start, in microseconds since
-- the Unix epoch on the clock of the one process that owns the file, and
-- how many starts were booked (the starts' numbers).
CREATE TABLE pacing (
    key     TEXT PRIMARY KEY,
    next_at INTEGER NOT NULL,
    booked  INTEGER NOT NULL
);
