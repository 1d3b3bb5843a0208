package storage

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRebind(t *testing.T) {
	t.Parallel()
	pg := dialect{postgres: true}
	for q, want := range map[string]string{
		`SELECT 1`: `SELECT 1`,
		`SELECT * FROM t WHERE a = ? AND b IN (?, ?)`:           `SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)`,
		`INSERT INTO t VALUES (?, '?', ?)`:                      `INSERT INTO t VALUES ($1, '?', $2)`,
		`SELECT 'it''s ?' || ?, ? FROM t`:                       `SELECT 'it''s ?' || $1, $2 FROM t`,
		`UPDATE t SET a = ? WHERE b = '' AND c = ?`:             `UPDATE t SET a = $1 WHERE b = '' AND c = $2`,
		`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`:                     `($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		`SELECT count(*) FROM x WHERE y = 'a?b' OR z = '?' -- `: `SELECT count(*) FROM x WHERE y = 'a?b' OR z = '?' -- `,
	} {
		require.Equal(t, want, pg.rebind(q), q)
		require.Equal(t, q, dialect{}.rebind(q), "SQLite takes the query as written")
	}
}

func TestDialectOf(t *testing.T) {
	t.Parallel()
	require.True(t, dialectOf("postgres://u@h/db").postgres)
	require.True(t, dialectOf("postgresql://u@h/db").postgres)
	require.False(t, dialectOf("/var/lib/skladflow/skladflow.db").postgres)
	require.False(t, dialectOf("postgres.db").postgres)
	require.Equal(t, "postgres://u:xxxxx@h:5432/db?sslmode=disable", redact("postgres://u:secret@h:5432/db?sslmode=disable"))
	require.Equal(t, "postgres://u@h:5432/db?password=xxxxx&sslmode=disable", redact("postgres://u@h:5432/db?sslmode=disable&password=secret"))
}
