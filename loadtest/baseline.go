package loadtest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver, as storage uses it
)

// baselineRow is the size of one raw row: about what one small MoySklad
// notification weighs (moysklad.md §2.2).
const baselineRow = 300

// Baseline is the raw durable insert rate of this machine's disk.
type Baseline struct {
	Rows    int
	Elapsed time.Duration
}

// RowsPerSecond is the rate every ingest figure is a ratio to.
func (b Baseline) RowsPerSecond() float64 { return perSecond(b.Rows, b.Elapsed) }

// rawInsertRate inserts one ~300-byte row per transaction for d into a
// fresh file database opened as storage.Open opens its own (see
// storage/store.go: WAL, synchronous=FULL, busy_timeout, immediate
// transactions, one connection), so each row pays one fsync as an
// acknowledged notification does when nothing batches them.
func rawInsertRate(ctx context.Context, path string, d time.Duration) (Baseline, error) {
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return Baseline{}, fmt.Errorf("loadtest: baseline: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE raw (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)`); err != nil {
		return Baseline{}, fmt.Errorf("loadtest: baseline: %w", err)
	}
	row := []byte(strings.Repeat("x", baselineRow))
	var b Baseline
	start := time.Now()
	for time.Since(start) < d {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return Baseline{}, fmt.Errorf("loadtest: baseline: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO raw (payload) VALUES (?)`, row); err != nil {
			_ = tx.Rollback()
			return Baseline{}, fmt.Errorf("loadtest: baseline: %w", err)
		}
		if err := tx.Commit(); err != nil {
			return Baseline{}, fmt.Errorf("loadtest: baseline: %w", err)
		}
		b.Rows++
	}
	b.Elapsed = time.Since(start)
	return b, nil
}

func perSecond(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}
