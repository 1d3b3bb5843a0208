package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Sentinel errors of CopyTo.
var (
	// ErrTargetNotEmpty: the target database holds skladflow data already.
	// CopyTo never merges two installations.
	ErrTargetNotEmpty = errors.New("storage: the target database is not empty")
	// ErrSourceInUse: a skladflow process serves the source database.
	ErrSourceInUse = errors.New("storage: the source database is in use")
	// ErrSchemaDiffers: a table the copy does not know, or columns that
	// differ between the two databases.
	ErrSchemaDiffers = errors.New("storage: the schemas differ")
)

// copiedTables are skladflow's tables, in the order they are copied:
// a table before those that refer to it (notifications before inbox,
// stock_checks before stock_check_lines).
var copiedTables = []string{
	"inbox_requests",
	"notifications",
	"inbox",
	"documents",
	"document_keys",
	"timeline",
	"outdocs",
	"outdoc_parts",
	"feed_cursors",
	"goods",
	"stock_checks",
	"stock_check_lines",
}

// skippedTables are the tables CopyTo leaves behind, and why.
var skippedTables = map[string]string{
	"leases":               "transient: each names a process of the stopped service, which holds nothing any more",
	"skladflow_migrations": "the target's own: Open migrated it to the same version",
	"pacing":               "the next MoySklad request's start, seconds ahead at most: the replicas book afresh",
}

// skippedPrefixes mark the tables of others: River's differ per driver
// and are not copied row by row (the unfinished jobs are made again,
// copyJobs); SQLite's own (AUTOINCREMENT counters, statistics) have no
// counterpart: the target's identities are set past the copied ids.
var skippedPrefixes = []string{"river_", "sqlite_"}

// copyBatchRows and copyBatchBytes close a multi-row INSERT: few round
// trips for a million timeline rows, and a statement of bounded size when
// the rows carry large bodies. PostgreSQL takes at most 65535 parameters.
const (
	copyBatchRows  = 1000
	copyBatchBytes = 4 << 20
	maxParams      = 65535
)

// CopyReport is what CopyTo copied.
type CopyReport struct {
	Tables       []string         // copied, in order
	Rows         map[string]int64 // rows copied per table
	Jobs         int              // unfinished jobs made again in the target
	Undispatched int              // events stored without their job yet: the target's dispatcher makes it
	Skipped      map[string]string
}

// CopyTo copies a stopped SQLite installation into dst, an empty
// PostgreSQL database Open migrated to the same version: every skladflow
// table row by row, and the unfinished jobs made again through dst's job
// client. All of it is one PostgreSQL transaction: on any error nothing is
// left in dst. The source is read in one transaction that holds SQLite's
// write lock, so no process writes to it meanwhile.
func (s *Store) CopyTo(ctx context.Context, dst *Store) (CopyReport, error) {
	rep := CopyReport{Rows: map[string]int64{}, Skipped: skippedTables}
	if s.db.dialect.postgres || !dst.db.dialect.postgres {
		return rep, errors.New("storage: CopyTo copies a SQLite database into a PostgreSQL one")
	}
	if err := s.checkTablesKnown(ctx); err != nil {
		return rep, err
	}
	err := s.inTx(ctx, func(src *sqlTx) error {
		if err := checkNotServed(ctx, src); err != nil {
			return err
		}
		return dst.inTx(ctx, func(tx *sqlTx) error {
			// Two copies into one database at once: the second waits, then
			// finds the first's rows and refuses.
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, migrationLock); err != nil {
				return err
			}
			if err := checkEmpty(ctx, tx); err != nil {
				return err
			}
			for _, t := range copiedTables {
				n, err := copyTable(ctx, src, tx, t)
				if err != nil {
					return fmt.Errorf("storage: copy %s: %w", t, err)
				}
				rep.Tables = append(rep.Tables, t)
				rep.Rows[t] = n
				if err := setIdentities(ctx, tx, t); err != nil {
					return fmt.Errorf("storage: copy %s: identity: %w", t, err)
				}
			}
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM inbox WHERE dispatched = 0`).Scan(&rep.Undispatched); err != nil {
				return err
			}
			var err error
			rep.Jobs, err = s.copyJobs(ctx, src, dst, tx)
			return err
		})
	})
	return rep, err
}

// tables lists the tables of the database, River's and SQLite's own too.
func (s *Store) tables(ctx context.Context) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if s.db.dialect.postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	return sortedStrings(ctx, s.db, q)
}

// unknownTables are the tables of the database neither copied nor
// skipped: a migration added a table and the copy was not taught it.
func (s *Store) unknownTables(ctx context.Context) ([]string, error) {
	all, err := s.tables(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range all {
		if _, skip := skippedTables[t]; !skip && !slices.Contains(copiedTables, t) &&
			!slices.ContainsFunc(skippedPrefixes, func(p string) bool { return strings.HasPrefix(t, p) }) {
			out = append(out, t)
		}
	}
	return out, nil
}

// checkTablesKnown refuses to copy a database with a table the copy would
// silently leave behind.
func (s *Store) checkTablesKnown(ctx context.Context) error {
	unknown, err := s.unknownTables(ctx)
	if err != nil {
		return err
	}
	if len(unknown) > 0 {
		return fmt.Errorf("%w: the copy does not handle table(s) %s", ErrSchemaDiffers, strings.Join(unknown, ", "))
	}
	return nil
}

// checkNotServed refuses a SQLite database that a running skladflow
// serves: its River client is the elected leader and renews the lease
// every few seconds; a graceful stop resigns it. A copy taken meanwhile
// would miss what the service does after it.
func checkNotServed(ctx context.Context, src *sqlTx) error {
	var leader string
	err := src.QueryRowContext(ctx, `SELECT leader_id FROM river_leader WHERE expires_at >= datetime('now', 'subsec')`).Scan(&leader)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("storage: river_leader: %w", err)
	}
	return fmt.Errorf("%w: skladflow %s is running on it; stop the service first (after a crash, wait 15 seconds for its lease to lapse)", ErrSourceInUse, leader)
}

// checkEmpty refuses a target that holds any skladflow row or job.
func checkEmpty(ctx context.Context, tx *sqlTx) error {
	var held []string
	for _, t := range append(slices.Clone(copiedTables), "river_job") {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			held = append(held, fmt.Sprintf("%s (%d rows)", t, n))
		}
	}
	if len(held) > 0 {
		return fmt.Errorf("%w: it holds %s; the copy goes only into a new, empty database and never merges",
			ErrTargetNotEmpty, strings.Join(held, ", "))
	}
	return nil
}

// column is a target column and its PostgreSQL type.
type column struct{ name, typ string }

// targetColumns lists a target table's columns.
func targetColumns(ctx context.Context, tx *sqlTx, table string) ([]column, error) {
	rows, err := tx.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.name, &c.typ); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// sourceColumns lists a SQLite table's columns.
func sourceColumns(ctx context.Context, src *sqlTx, table string) ([]string, error) {
	return sortedStrings(ctx, src, `SELECT name FROM pragma_table_info(?)`, table)
}

// copyTable copies every row of a table, in the source's row order, with
// multi-row INSERTs. The columns are the target's: both databases were
// migrated to the same version, so a difference is a bug, reported.
func copyTable(ctx context.Context, src, dst *sqlTx, table string) (int64, error) {
	cols, err := targetColumns(ctx, dst, table)
	if err != nil {
		return 0, err
	}
	have, err := sourceColumns(ctx, src, table)
	if err != nil {
		return 0, err
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = `"` + c.name + `"`
	}
	want := make([]string, len(cols))
	for i, c := range cols {
		want[i] = c.name
	}
	slices.Sort(want)
	if !slices.Equal(have, want) {
		return 0, fmt.Errorf("%w: SQLite has columns %v, PostgreSQL %v", ErrSchemaDiffers, have, want)
	}
	list := strings.Join(names, ", ")
	rows, err := src.QueryContext(ctx, `SELECT `+list+` FROM `+table+` ORDER BY rowid`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()

	maxRows := min(copyBatchRows, maxParams/len(cols))
	row := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range row {
		ptrs[i] = &row[i]
	}
	var args []any
	var copied int64
	size := 0
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		n := len(args) / len(cols)
		one := "(?" + strings.Repeat(", ?", len(cols)-1) + ")"
		q := `INSERT INTO ` + table + ` (` + list + `) VALUES ` + one + strings.Repeat(", "+one, n-1)
		if _, err := dst.ExecContext(ctx, q, args...); err != nil {
			return err
		}
		copied += int64(n)
		args, size = args[:0], 0
		return nil
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return copied, err
		}
		for i, c := range cols {
			v, err := convert(row[i], c.typ)
			if err != nil {
				return copied, fmt.Errorf("column %s: %w", c.name, err)
			}
			args = append(args, v)
			switch v := v.(type) {
			case string:
				size += len(v)
			case []byte:
				size += len(v)
			}
		}
		if len(args)/len(cols) >= maxRows || size >= copyBatchBytes {
			if err := flush(); err != nil {
				return copied, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return copied, err
	}
	return copied, flush()
}

// convert makes a SQLite value fit its PostgreSQL column. Both schemas
// keep times as the same fixed-width UTC text and flags as integers, so
// only storage classes differ: SQLite may hold text in a BLOB column and
// the reverse (its columns take any value), and a REAL that is whole may
// come back as an integer.
func convert(v any, pgType string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch pgType {
	case "bytea":
		if s, ok := v.(string); ok {
			return []byte(s), nil
		}
	case "text":
		if b, ok := v.([]byte); ok {
			return string(b), nil
		}
	case "double precision":
		if i, ok := v.(int64); ok {
			return float64(i), nil
		}
	case "bigint", "integer":
		if f, ok := v.(float64); ok {
			if f != float64(int64(f)) {
				return nil, fmt.Errorf("%v is not a whole number", f)
			}
			return int64(f), nil
		}
	}
	return v, nil
}

// setIdentities moves a table's identity sequences past the copied ids:
// the rows were inserted with their ids, which does not advance them.
func setIdentities(ctx context.Context, tx *sqlTx, table string) error {
	ids, err := sortedStrings(ctx, tx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = ? AND is_identity = 'YES'`, table)
	if err != nil {
		return err
	}
	for _, c := range ids {
		if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence(?, ?), (SELECT coalesce(max("`+c+`"), 0) + 1 FROM `+table+`), false)`,
			table, c); err != nil {
			return err
		}
	}
	return nil
}

// sortedStrings runs a query of one text column and returns its values,
// sorted.
func sortedStrings(ctx context.Context, q executor, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	slices.Sort(out)
	return out, rows.Err()
}
