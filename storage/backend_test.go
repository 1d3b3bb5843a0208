package storage_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// postgresEnv holds a PostgreSQL URL to run the storage tests on as well,
// e.g. postgres://root@127.0.0.1:5432/test?sslmode=disable.
const postgresEnv = "SKLADFLOW_TEST_POSTGRES"

// onPostgres says which backend the run in progress tests: TestMain runs
// every test on SQLite, then again on PostgreSQL when postgresEnv is set,
// so no test has to be written twice.
var onPostgres bool

func TestMain(m *testing.M) {
	code := m.Run()
	if os.Getenv(postgresEnv) != "" {
		fmt.Println("== the storage tests again, on PostgreSQL")
		onPostgres = true
		code = max(code, m.Run())
	}
	os.Exit(code)
}

// newPath is a fresh, empty database of the run's backend: a SQLite file,
// or a PostgreSQL schema of its own (dropped at the end) whose URL puts it
// first in search_path, so tests running in parallel never meet.
func newPath(t *testing.T) string {
	t.Helper()
	if !onPostgres {
		return filepath.Join(t.TempDir(), "skladflow.db")
	}
	base := os.Getenv(postgresEnv)
	db, err := sql.Open("pgx", base)
	require.NoError(t, err)
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "sf_" + hex.EncodeToString(b[:])
	_, err = db.ExecContext(context.Background(), `CREATE SCHEMA `+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		// After the test's stores closed (cleanups run last first).
		_, err := db.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
		require.NoError(t, err)
		require.NoError(t, db.Close())
	})
	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema) // pgx sends it as a runtime parameter
	u.RawQuery = q.Encode()
	return u.String()
}
