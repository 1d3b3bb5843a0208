package storage

import (
	"context"
	"database/sql"
)

// sqlDB is the pool with every query rebound for the dialect: the package
// writes ? placeholders and never touches *sql.DB for a query directly.
type sqlDB struct {
	raw     *sql.DB
	dialect dialect
}

func (db *sqlDB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return db.raw.ExecContext(ctx, db.dialect.rebind(q), args...)
}

func (db *sqlDB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.raw.QueryContext(ctx, db.dialect.rebind(q), args...)
}

func (db *sqlDB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return db.raw.QueryRowContext(ctx, db.dialect.rebind(q), args...)
}

// sqlTx is a transaction with every query rebound; raw is for River's
// InsertTx and InsertManyFastTx, which take the *sql.Tx itself.
type sqlTx struct {
	raw     *sql.Tx
	dialect dialect
}

func (tx *sqlTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.raw.ExecContext(ctx, tx.dialect.rebind(q), args...)
}

func (tx *sqlTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.raw.QueryContext(ctx, tx.dialect.rebind(q), args...)
}

func (tx *sqlTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.raw.QueryRowContext(ctx, tx.dialect.rebind(q), args...)
}
