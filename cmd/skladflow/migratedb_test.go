package main

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/storage"
	"github.com/skladflow/skladflow/storage/storagetest"
)

// postgresEnv holds a PostgreSQL URL for the commands that need one.
const postgresEnv = "SKLADFLOW_TEST_POSTGRES"

func TestMigrateDB(t *testing.T) {
	t.Parallel()
	base := os.Getenv(postgresEnv)
	if base == "" {
		t.Skip(postgresEnv + " is not set")
	}
	ctx := context.Background()
	from := filepath.Join(t.TempDir(), "skladflow.db")
	s, err := storage.Open(ctx, storage.Config{Path: from})
	require.NoError(t, err)
	_, err = s.Update(ctx, "supply", "d1", func(tx *storage.Tx, d *storage.Document) error {
		d.Flow, d.State = "inbound", "submitted"
		return nil
	})
	require.NoError(t, err)
	require.NoError(t, s.QueueProcess(ctx, "supply", "d1"))
	require.NoError(t, s.Close())
	dsn, drop, err := storagetest.NewSchema(ctx, base)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, drop()) })
	// A password in the URL (the server trusts the test role, so any will
	// do) must never be printed.
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	u.User = url.UserPassword(u.User.Username(), "s3cret-pw")
	to := u.String()

	var stdout, stderr bytes.Buffer
	require.NoError(t, run(ctx, []string{"migrate-db", "--from", from, "--to", to}, &stdout, &stderr))
	require.Regexp(t, `documents +1 rows`, stdout.String())
	require.Regexp(t, `jobs +1 unfinished, made again`, stdout.String())
	require.Contains(t, stdout.String(), "xxxxx@")
	require.NotContains(t, stdout.String()+stderr.String(), "s3cret-pw")

	dst, err := storage.Open(ctx, storage.Config{Path: dsn})
	require.NoError(t, err)
	d, err := dst.Document(ctx, "supply", "d1")
	require.NoError(t, err)
	require.Equal(t, "submitted", d.State)
	require.NoError(t, dst.Close())

	stdout.Reset()
	err = run(ctx, []string{"migrate-db", "--from", from, "--to", to}, &stdout, &stderr)
	require.ErrorIs(t, err, storage.ErrTargetNotEmpty)
	require.ErrorContains(t, err, "nothing was copied")
	require.NotContains(t, err.Error(), "s3cret-pw")
	require.Empty(t, stdout.String())
}

func TestMigrateDBRefusesBadArguments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var stderr bytes.Buffer
	err := run(ctx, []string{"migrate-db", "--from", "x.db"}, &bytes.Buffer{}, &stderr)
	var bad *usageError
	require.ErrorAs(t, err, &bad)
	require.Contains(t, stderr.String(), "--from and --to are required")
	missing := filepath.Join(t.TempDir(), "missing.db")
	err = run(ctx, []string{"migrate-db", "--from", missing, "--to", "postgres://u@127.0.0.1:1/db"}, &bytes.Buffer{}, &stderr)
	require.ErrorIs(t, err, os.ErrNotExist)
	_, err = os.Stat(missing)
	require.ErrorIs(t, err, os.ErrNotExist, "a mistyped --from is not created")
	require.ErrorContains(t, run(ctx, []string{"migrate-db", "--from", "postgres://u@h/db", "--to", "postgres://u@h/db2"}, &bytes.Buffer{}, &stderr), "--from is the SQLite file")
	require.ErrorContains(t, run(ctx, []string{"migrate-db", "--from", missing, "--to", "other.db"}, &bytes.Buffer{}, &stderr), "--to is a postgres:// URL")
}
