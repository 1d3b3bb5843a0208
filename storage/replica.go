package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"time"
)

// On PostgreSQL several replicas share the database, and one of them may
// die holding running jobs and leases. River's rescuer would put its jobs
// back only after RescueStuckJobsAfter (minutes), and its leases would
// last until they expire. Instead each process holds a liveness mark for
// as long as it lives: a session advisory lock keyed by its River client
// id, on a connection of its own. PostgreSQL drops the lock the moment the
// process's connection closes, so the others can tell a dead replica's
// jobs and leases from a live one's within seconds.

// livenessClass is the first key of every liveness lock ("sklf"), so they
// cannot be mistaken for other advisory locks (the migration lock, the
// per-document ones take a single 64-bit key).
const livenessClass = 0x736b6c66

const (
	// replicaSweep is how often a replica renews its own mark and looks
	// for dead replicas' leftovers.
	replicaSweep = 2 * time.Second
	// replicaGrace is how long a replica's mark must be seen missing
	// before its jobs are queued again and its leases dropped: longer than
	// a sweep, so a live replica that lost its connection (a PostgreSQL
	// restart) has taken its mark again by then.
	replicaGrace = 5 * time.Second
)

// livenessIdle is how long the server waits on a silent liveness session
// before it probes the peer (the sweep speaks every replicaSweep), and
// livenessDeadline bounds data left unacknowledged; three probes a second
// apart then end a dead peer's session.
const (
	livenessIdle     = 3 * replicaSweep
	livenessDeadline = 10 * time.Second
)

// ErrReplicaLost cancels the jobs of a process that lost its liveness
// mark: other replicas may take their work over.
var ErrReplicaLost = errors.New("storage: this replica lost its liveness mark in the database")

// liveness is this process's mark and the sweep over the others'.
type liveness struct {
	store *Store
	id    string

	mu   sync.Mutex
	conn *sql.Conn // holds the lock; nil while it is not held
	// held is cancelled when the mark is lost; jobs run under it.
	held   context.Context
	cancel context.CancelCauseFunc

	missing map[string]time.Time // replica → since when its mark is missing
}

// Replica is this process's id among the replicas: River's client id, and
// the prefix of every lease it takes.
func (s *Store) Replica() string { return s.river.ID() }

// Alive is done when this process's liveness mark is lost, so the jobs it
// runs stop before another replica takes them over. On SQLite (one process
// per file) it is never done.
func (s *Store) Alive() context.Context {
	if s.live == nil {
		return context.Background()
	}
	s.live.mu.Lock()
	defer s.live.mu.Unlock()
	return s.live.held
}

func newLiveness(s *Store) *liveness {
	l := &liveness{store: s, id: s.river.ID(), missing: map[string]time.Time{}}
	l.held, l.cancel = context.WithCancelCause(context.Background())
	l.cancel(ErrReplicaLost) // not held until take succeeds
	return l
}

// take (re)acquires the mark if it is not held, and checks it if it is.
func (l *liveness) take(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn != nil {
		ctx, cancel := context.WithTimeout(ctx, replicaSweep)
		err := l.conn.PingContext(ctx)
		cancel()
		if err == nil {
			return nil
		}
		l.drop(err)
	}
	conn, err := l.store.db.raw.Conn(ctx)
	if err != nil {
		return err
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1, hashtext($2))`, livenessClass, l.id).Scan(&ok); err != nil {
		discard(conn) // it may hold the lock: never back to the pool
		return err
	}
	if !ok {
		// The session of this process's previous connection still holds
		// it (the server has not noticed that connection is gone): to the
		// others this process is alive, which it is. Try again next sweep.
		conn.Close()
		return nil
	}
	// A process killed is seen at once (its kernel closes the socket), but
	// a host lost or cut off is not: the server keeps the session, and the
	// mark, until TCP keepalive gives up — two hours by the kernel's
	// defaults. Probing the idle session after livenessIdle ends it within
	// about livenessDeadline of the last sweep instead.
	if _, err := conn.ExecContext(ctx, `SELECT set_config('tcp_keepalives_idle', $1, false), set_config('tcp_keepalives_interval', '1', false),
		set_config('tcp_keepalives_count', '3', false), set_config('tcp_user_timeout', $2, false)`,
		fmt.Sprint(int(livenessIdle/time.Second)), fmt.Sprint(livenessDeadline.Milliseconds())); err != nil {
		discard(conn)
		return err
	}
	l.conn = conn
	l.held, l.cancel = context.WithCancelCause(context.Background())
	return nil
}

// drop forgets a mark that is no longer held and stops the jobs that ran
// under it. It runs under l.mu.
func (l *liveness) drop(cause error) {
	l.cancel(errors.Join(ErrReplicaLost, cause))
	if l.conn != nil {
		discard(l.conn)
		l.conn = nil
	}
}

// discard closes a connection that holds, or may hold, the mark instead of
// returning it to the pool: the server ends the session and so the lock.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	conn.Close()
}

// release gives the mark back at Close, at once: the others need not
// wait for the server to notice the connection closed.
func (l *liveness) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), replicaSweep)
		_, _ = l.conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1, hashtext($2))`, livenessClass, l.id)
		cancel()
	}
	l.drop(errors.New("closed"))
}

// sweep renews this process's mark, then queues again the running jobs and
// drops the leases of every replica whose mark has been missing for
// replicaGrace. It returns how many jobs it queued again.
func (l *liveness) sweep(ctx context.Context, now time.Time) (int64, error) {
	if err := l.take(ctx); err != nil {
		return 0, err
	}
	db := l.store.db
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT r.id, EXISTS (SELECT 1 FROM pg_locks k WHERE k.locktype = 'advisory'
		AND k.classid = ?::int4::oid AND k.objid = hashtext(r.id)::oid AND k.objsubid = 2 AND k.granted)
		FROM (SELECT attempted_by[cardinality(attempted_by)] AS id FROM river_job WHERE state = 'running'
			UNION SELECT split_part(owner, '/', 1) FROM leases) r WHERE r.id IS NOT NULL`, livenessClass)
	if err != nil {
		return 0, err
	}
	var dead []string
	seen := map[string]bool{}
	for rows.Next() {
		var id string
		var alive bool
		if err := rows.Scan(&id, &alive); err != nil {
			rows.Close()
			return 0, err
		}
		seen[id] = true
		if alive || id == l.id {
			delete(l.missing, id)
			continue
		}
		since, ok := l.missing[id]
		if !ok {
			l.missing[id] = now
			continue
		}
		if now.Sub(since) >= replicaGrace {
			dead = append(dead, id)
		}
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	for id := range l.missing {
		if !seen[id] {
			delete(l.missing, id)
		}
	}
	var requeued int64
	for _, id := range dead {
		res, err := db.ExecContext(ctx, `UPDATE river_job SET state = 'available', scheduled_at = now()
			WHERE state = 'running' AND attempted_by[cardinality(attempted_by)] = ?`, id)
		if err != nil {
			return requeued, err
		}
		n, _ := res.RowsAffected()
		requeued += n
		if _, err := db.ExecContext(ctx, `DELETE FROM leases WHERE split_part(owner, '/', 1) = ?`, id); err != nil {
			return requeued, err
		}
		delete(l.missing, id)
		l.store.cfg.Logger.Warn("a dead replica's work taken over", "replica", id, "jobs", n)
	}
	return requeued, nil
}

// run sweeps every replicaSweep until ctx ends.
func (l *liveness) run(ctx context.Context) {
	t := time.NewTicker(replicaSweep)
	defer t.Stop()
	for {
		if _, err := l.sweep(ctx, time.Now()); err != nil && ctx.Err() == nil {
			l.store.cfg.Logger.Warn("replica sweep", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
