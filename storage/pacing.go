package storage

import (
	"context"
	"fmt"
	"time"
)

// Schedule is the start schedule of one rate limit (moysklad.Schedule)
// kept in the database, so that every replica books its requests' starts
// in the same one. The database's clock decides; only durations leave it,
// so the replicas' clocks never matter.
type Schedule struct {
	store *Store
	key   string
}

// Schedule is the schedule kept under key (one per rate limit, e.g.
// "moysklad").
func (s *Store) Schedule(key string) *Schedule { return &Schedule{store: s, key: key} }

// Reserve books the next start, gap after the previous one or now if that
// is later, and says how long to wait for it and the start's number (the
// key's starts are numbered one after another). On PostgreSQL it is one
// statement: the row lock makes concurrent replicas book one after
// another, each seeing the start the one before booked.
func (p *Schedule) Reserve(ctx context.Context, gap time.Duration) (time.Duration, int64, error) {
	g := gap.Microseconds()
	var wait, seq int64
	var err error
	if p.store.db.dialect.postgres {
		// clock_timestamp(), not now(): the time when the row lock is
		// held, not when the statement began waiting for it.
		err = p.store.db.QueryRowContext(ctx, `INSERT INTO pacing AS p (key, next_at, booked)
			VALUES (?, clock_timestamp() + ?::float8 * interval '1 microsecond', 1)
			ON CONFLICT (key) DO UPDATE SET next_at = GREATEST(p.next_at, clock_timestamp()) + ?::float8 * interval '1 microsecond',
				booked = p.booked + 1
			RETURNING floor(extract(epoch FROM p.next_at - clock_timestamp()) * 1000000)::bigint, booked`, p.key, g, g).Scan(&wait, &seq)
		wait -= g
	} else {
		// One process owns a SQLite file: its clock, read once the write
		// transaction holds the lock, is the database's.
		err = p.store.inTx(ctx, func(tx *sqlTx) error {
			now := time.Now().UnixMicro()
			var next int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO pacing (key, next_at, booked) VALUES (?, ?, 1)
				ON CONFLICT (key) DO UPDATE SET next_at = max(pacing.next_at, ?) + ?, booked = pacing.booked + 1
				RETURNING next_at, booked`, p.key, now+g, now, g).Scan(&next, &seq); err != nil {
				return err
			}
			wait = next - g - now
			return nil
		})
	}
	if err != nil {
		return 0, 0, fmt.Errorf("storage: pacing %s: reserve: %w", p.key, err)
	}
	return time.Duration(max(wait, 0)) * time.Microsecond, seq, nil
}

// Defer moves the next start to at least d from now.
func (p *Schedule) Defer(ctx context.Context, d time.Duration) error {
	var err error
	if p.store.db.dialect.postgres {
		_, err = p.store.db.ExecContext(ctx, `INSERT INTO pacing AS p (key, next_at, booked)
			VALUES (?, clock_timestamp() + ?::float8 * interval '1 microsecond', 0)
			ON CONFLICT (key) DO UPDATE SET next_at = GREATEST(p.next_at, excluded.next_at)`, p.key, d.Microseconds())
	} else {
		err = p.store.inTx(ctx, func(tx *sqlTx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO pacing (key, next_at, booked) VALUES (?, ?, 0)
				ON CONFLICT (key) DO UPDATE SET next_at = max(pacing.next_at, excluded.next_at)`,
				p.key, time.Now().Add(d).UnixMicro())
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("storage: pacing %s: defer: %w", p.key, err)
	}
	return nil
}
