package storage

import (
	"context"
	"database/sql"
	"net/url"
	"strconv"
	"strings"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
)

// dialect is the one place where SQLite and PostgreSQL differ: the rest of
// the package writes SQLite-style SQL with ? placeholders on database/sql
// and asks the dialect for what cannot be written once.
type dialect struct{ postgres bool }

// dialectOf reads Config.Path: a postgres:// or postgresql:// URL is
// PostgreSQL, anything else a SQLite file.
func dialectOf(path string) dialect {
	return dialect{postgres: strings.HasPrefix(path, "postgres://") || strings.HasPrefix(path, "postgresql://")}
}

func (d dialect) String() string {
	if d.postgres {
		return "postgres"
	}
	return "sqlite"
}

// open returns the database/sql driver name and its data source.
func (d dialect) open(path string) (driver, dsn string) {
	if d.postgres {
		return "pgx", path
	}
	return "sqlite", "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate"
}

// maxOpenConns sizes the pool. SQLite gets one connection: it has one
// writer anyway, and a second connection would only wait on the first.
// PostgreSQL has row locks, so concurrent jobs may write at once.
func (d dialect) maxOpenConns() int {
	if d.postgres {
		return 10
	}
	return 1
}

// river is River's driver for the database.
func (d dialect) river(db *sql.DB) riverdriver.Driver[*sql.Tx] {
	if d.postgres {
		return riverdatabasesql.New(db)
	}
	return riversqlite.New(db)
}

// migrationDir holds the dialect's schema migrations (same file names).
func (d dialect) migrationDir() string { return "migrations/" + d.String() }

// forUpdate ends a SELECT of a row the transaction then rewrites from
// what it read. SQLite needs nothing (one writer, and _txlock=immediate
// takes the write lock at BEGIN); on PostgreSQL the row is locked, so a
// concurrent read-modify-write waits instead of being lost.
func (d dialect) forUpdate() string {
	if d.postgres {
		return " FOR UPDATE"
	}
	return ""
}

// skipLocked ends a SELECT … FOR UPDATE of rows another replica may be
// taking at the same time: each takes the rows no one else holds. SQLite
// has one writer: what it reads is its own.
func (d dialect) skipLocked() string {
	if d.postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// serialize makes transactions that pass the same key run one after
// another from here to their end, where the row they would lock may not
// exist yet. SQLite's transactions run one after another anyway.
func (d dialect) serialize(ctx context.Context, tx *sqlTx, key string) error {
	if !d.postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, key)
	return err
}

// rebind rewrites ? placeholders as $1, $2, … for PostgreSQL, leaving a ?
// inside a single-quoted string literal alone. SQLite takes q as it is.
func (d dialect) rebind(q string) string {
	if !d.postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n, quoted := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			quoted = !quoted // '' inside a literal toggles twice: still inside
		case c == '?' && !quoted:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// SQLDriver is the database/sql driver and data source a Store opens for
// path (a SQLite file or a PostgreSQL URL), for a test or a tool that
// reads the database itself.
func SQLDriver(path string) (driver, dsn string) { return dialectOf(path).open(path) }

// IsPostgres says whether a Config.Path is a PostgreSQL URL rather than a
// SQLite file: a database several replicas may share (a SQLite file has
// one process).
func IsPostgres(path string) bool { return dialectOf(path).postgres }

// Redact is path fit to print: a PostgreSQL URL without its password.
func Redact(path string) string { return redact(path) }

// redact is path fit to print: a PostgreSQL URL without its password.
func redact(path string) string {
	u, err := url.Parse(path)
	if err != nil {
		return "(unparsable postgres URL)"
	}
	// pgx takes the password from the query too.
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
