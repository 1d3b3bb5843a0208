// Package storagetest gives tests a fresh, empty PostgreSQL database of
// their own: a schema in a shared database, named first in the URL's
// search_path, so tests running in parallel never meet.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// NewSchema creates a schema sf_<random> in the PostgreSQL database at base
// (a postgres:// URL) and returns base with search_path set to it (pgx
// sends it as a runtime parameter, so every connection of a pool opened on
// the URL works in the schema). drop removes the schema with all it holds;
// call it once the stores on the URL have closed.
func NewSchema(ctx context.Context, base string) (dsn string, drop func() error, err error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, fmt.Errorf("storagetest: PostgreSQL URL: %w", err)
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, fmt.Errorf("storagetest: %w", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "sf_" + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		return "", nil, errors.Join(fmt.Errorf("storagetest: create schema: %w", err), db.Close())
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	drop = func() error {
		_, err := db.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
		if err != nil {
			err = fmt.Errorf("storagetest: drop schema %s: %w", schema, err)
		}
		return errors.Join(err, db.Close())
	}
	return u.String(), drop, nil
}
