package storage

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// HoldDatabase keeps the ingest writer waiting until release is called,
// so deliveries queue behind it: on SQLite by taking the store's one
// connection, on PostgreSQL (a pool) by locking the tables the writer
// inserts into. A test that fails before its release gives them back at
// its end, so the failure is reported instead of the store's Close
// waiting for ever.
func (s *Store) HoldDatabase(t *testing.T) (release func()) {
	t.Helper()
	ctx := context.Background()
	var once sync.Once
	if s.db.dialect.postgres {
		tx, err := s.db.raw.BeginTx(ctx, nil)
		require.NoError(t, err)
		_, err = tx.ExecContext(ctx, `LOCK TABLE inbox_requests, inbox, notifications IN EXCLUSIVE MODE`)
		require.NoError(t, err)
		release = func() { once.Do(func() { require.NoError(t, tx.Rollback()) }) }
	} else {
		conn, err := s.db.raw.Conn(ctx)
		require.NoError(t, err)
		release = func() { once.Do(func() { require.NoError(t, conn.Close()) }) }
	}
	t.Cleanup(release)
	return release
}

// IngestQueued is how many deliveries wait for the writer.
func (s *Store) IngestQueued() int { return len(s.ingest.queue) }

// SweepReplicas runs one replica sweep as if at now.
func (s *Store) SweepReplicas(ctx context.Context, now time.Time) (int64, error) {
	return s.live.sweep(ctx, now)
}

// LivenessBackend is the PostgreSQL backend holding this process's mark.
func (s *Store) LivenessBackend(t *testing.T) int {
	t.Helper()
	s.live.mu.Lock()
	defer s.live.mu.Unlock()
	require.NotNil(t, s.live.conn, "the mark is held")
	var pid int
	require.NoError(t, s.live.conn.QueryRowContext(context.Background(), `SELECT pg_backend_pid()`).Scan(&pid))
	return pid
}

// UnknownTables are the database's tables CopyTo neither copies nor skips.
func (s *Store) UnknownTables(ctx context.Context) ([]string, error) { return s.unknownTables(ctx) }

// CopyPlan is what CopyTo copies and what it leaves behind on purpose.
func CopyPlan() (copied []string, skipped map[string]string) { return copiedTables, skippedTables }

// Tables lists the database's tables.
func (s *Store) Tables(ctx context.Context) ([]string, error) { return s.tables(ctx) }

// LivenessSetting is a setting of the session holding this process's mark.
func (s *Store) LivenessSetting(t *testing.T, name string) string {
	t.Helper()
	s.live.mu.Lock()
	defer s.live.mu.Unlock()
	require.NotNil(t, s.live.conn, "the mark is held")
	var v string
	require.NoError(t, s.live.conn.QueryRowContext(context.Background(), `SELECT current_setting($1)`, name).Scan(&v))
	return v
}
