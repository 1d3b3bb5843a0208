package storage

import (
	"context"
	"errors"
	"time"
)

// ErrLeaseHeld is WithLease's answer while another owner holds the lease.
var ErrLeaseHeld = errors.New("storage: lease held by another owner")

// leaseRelease bounds giving a lease back: on a dead connection the
// release must not hold its caller until TCP gives up (the lease then
// lapses, or the replica sweep drops it).
const leaseRelease = 5 * time.Second

// DocumentLease is the lease key of a document's single writer.
func DocumentLease(docType, docID string) string { return "doc:" + docType + "/" + docID }

// TryLease takes the lease on key for owner, or renews it when owner holds
// it already. The lease lasts twice the longest job run (JobTimeout), so it
// expires only when its holder died. It reports false while another owner
// holds an unexpired lease: the database, not process memory, decides who
// writes a document (one writer per document, across workers and restarts).
func (s *Store) TryLease(ctx context.Context, key, owner string) (bool, error) {
	t, ttl := time.Now(), 2*s.cfg.JobTimeout
	res, err := s.db.ExecContext(ctx, `INSERT INTO leases (key, owner, until) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, until = excluded.until
		WHERE leases.until < ? OR leases.owner = excluded.owner`,
		key, owner, fmtTime(t.Add(ttl)), fmtTime(t))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// WithLease runs fn as the holder of key for owner, and gives the lease
// back after it. It returns ErrLeaseHeld, without running fn, while
// another owner holds it. Owners are "<replica>/<what>" (Replica), so the
// replica sweep can drop a dead process's leases.
func (s *Store) WithLease(ctx context.Context, key, owner string, fn func() error) error {
	ok, err := s.TryLease(ctx, key, owner)
	if err != nil {
		return err
	}
	if !ok {
		return ErrLeaseHeld
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), leaseRelease)
		defer cancel()
		if err := s.ReleaseLease(ctx, key, owner); err != nil {
			s.cfg.Logger.Error("release lease", "key", key, "err", err)
		}
	}()
	return fn()
}

// AwaitLease is WithLease that waits for the lease while another owner
// holds it (a command, or replicas starting together, take turns).
func (s *Store) AwaitLease(ctx context.Context, key, owner string, fn func() error) error {
	for {
		err := s.WithLease(ctx, key, owner, fn)
		if !errors.Is(err, ErrLeaseHeld) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// ReleaseLease gives a lease back if owner holds it.
func (s *Store) ReleaseLease(ctx context.Context, key, owner string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM leases WHERE key = ? AND owner = ?`, key, owner)
	return err
}

// clearLeases drops every lease: at start no job of this database runs yet
// (one process owns a SQLite file), so leases left by a killed process are
// stale.
func (s *Store) clearLeases(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM leases`)
	return err
}

// requeueOrphans makes jobs that were running when the last process died
// available again at once. River would rescue them only after
// RescueStuckJobsAfter; with one process per SQLite file, a job "running"
// before this process started working is known to be orphaned. Every job is
// idempotent, so running it again is safe.
func (s *Store) requeueOrphans(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE river_job SET state = 'available' WHERE state = 'running'`)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
