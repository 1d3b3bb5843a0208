package storage_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/storage/storagetest"
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
	dsn, drop, err := storagetest.NewSchema(context.Background(), os.Getenv(postgresEnv))
	require.NoError(t, err)
	// After the test's stores closed (cleanups run last first).
	t.Cleanup(func() { require.NoError(t, drop()) })
	return dsn
}
