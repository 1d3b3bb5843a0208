package storage

import (
	"context"
	"database/sql"
)

// executor is what *sql.DB and *sql.Tx share.
type executor interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// rebound runs every query rebound for the dialect: the package writes ?
// placeholders and never queries raw directly. raw stays reachable for
// River's InsertTx and InsertManyFastTx, which take the *sql.Tx itself.
type rebound[Q executor] struct {
	raw     Q
	dialect dialect
}

type (
	sqlDB = rebound[*sql.DB] // the pool
	sqlTx = rebound[*sql.Tx] // a transaction
)

func (r *rebound[Q]) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return r.raw.ExecContext(ctx, r.dialect.rebind(q), args...)
}

func (r *rebound[Q]) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return r.raw.QueryContext(ctx, r.dialect.rebind(q), args...)
}

func (r *rebound[Q]) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return r.raw.QueryRowContext(ctx, r.dialect.rebind(q), args...)
}
