package storage

import (
	"context"
	"embed"
	"fmt"

	"github.com/riverqueue/river/rivermigrate"
)

// migrations holds each dialect's schema under migrations/<dialect>/, with
// the same file names: a file's name is its version in skladflow_migrations.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// migrationLock is the PostgreSQL advisory lock key held while migrating
// ("skladflo" in ASCII): replicas starting together migrate one at a time,
// and each finds what the one before applied.
const migrationLock int64 = 0x736b6c6164666c6f

// migrate applies River's migrations, then skladflow's not yet applied.
func (s *Store) migrate(ctx context.Context) error {
	if s.db.dialect.postgres {
		conn, err := s.db.raw.Conn(ctx)
		if err != nil {
			return fmt.Errorf("storage: migration lock: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
			return fmt.Errorf("storage: migration lock: %w", err)
		}
		// Unlocked on the same connection, whatever the outcome; not on
		// ctx, which may be what ended the migration.
		defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, migrationLock) //nolint:errcheck // closing the session frees it too
	}
	m, err := rivermigrate.New(s.db.dialect.river(s.db.raw), nil)
	if err != nil {
		return fmt.Errorf("storage: river migrator: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("storage: river migrations: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS skladflow_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("storage: migrations table: %w", err)
	}
	dir := s.db.dialect.migrationDir()
	files, err := migrations.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, f := range files {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM skladflow_migrations WHERE version = ?`, f.Name()).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		body, err := migrations.ReadFile(dir + "/" + f.Name())
		if err != nil {
			return err
		}
		err = s.inTx(ctx, func(tx *sqlTx) error {
			// The body as it is, not rebound: a migration has no
			// parameters, and its comments may hold a '?'.
			if _, err := tx.raw.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO skladflow_migrations (version, applied_at) VALUES (?, ?)`, f.Name(), now())
			return err
		})
		if err != nil {
			return fmt.Errorf("storage: migration %s: %w", f.Name(), err)
		}
	}
	return nil
}
