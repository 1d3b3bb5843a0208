-- One rate limit shared by every replica (issue 15): per key (an account's
-- MoySklad limit), the earliest next request start, on the database's own
-- clock so that the replicas' clocks never matter, and how many starts were
-- booked (the starts' numbers).
CREATE TABLE pacing (
    key     TEXT COLLATE "C" PRIMARY KEY,
    next_at TIMESTAMPTZ NOT NULL,
    booked  BIGINT NOT NULL
);
