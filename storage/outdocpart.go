package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Outdoc part statuses.
const (
	PartApplied  = "applied"  // written to its MoySklad document
	PartSkipped  = "skipped"  // not ours (no document of skladflow's), nothing written
	PartReverted = "reverted" // a correction undid it
)

// OutdocPart is one MoySklad document's share of a warehouse document: an
// order of an orders_shipment that carries many. Each share is applied
// once; Change keeps what applying it changed, in its flow's own shape, so
// a correction undoes exactly that.
type OutdocPart struct {
	Warehouse string
	OutdocID  int64
	Key       string // the share's key in the outdoc, e.g. the order_id
	DocType   string // the MoySklad document it was applied to; "" when not ours
	DocID     string
	Status    string
	Change    []byte
	UpdatedAt time.Time
}

const partColumns = `warehouse, outdoc_id, key, doc_type, doc_id, status, change, updated_at`

func scanPart(r scanner) (OutdocPart, error) {
	var p OutdocPart
	var at string
	err := r.Scan(&p.Warehouse, &p.OutdocID, &p.Key, &p.DocType, &p.DocID, &p.Status, &p.Change, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	p.UpdatedAt = parseTime(at)
	return p, err
}

// OutdocPart loads one share of an outdoc; ErrNotFound when it was never
// applied.
func (s *Store) OutdocPart(ctx context.Context, warehouse string, outdocID int64, key string) (OutdocPart, error) {
	return scanPart(s.db.QueryRowContext(ctx, `SELECT `+partColumns+` FROM outdoc_parts WHERE warehouse = ? AND outdoc_id = ? AND key = ?`,
		warehouse, outdocID, key))
}

// OutdocParts lists the shares of an outdoc recorded so far.
func (s *Store) OutdocParts(ctx context.Context, warehouse string, outdocID int64) ([]OutdocPart, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+partColumns+` FROM outdoc_parts WHERE warehouse = ? AND outdoc_id = ? ORDER BY key`, warehouse, outdocID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OutdocPart
	for rows.Next() {
		p, err := scanPart(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PutOutdocPart records a share in its own transaction.
func (s *Store) PutOutdocPart(ctx context.Context, p OutdocPart) error {
	return s.inTx(ctx, func(tx *sqlTx) error { return putPart(ctx, tx, p) })
}

// PutOutdocPart records a share inside a document Update, with the write
// it describes.
func (t *Tx) PutOutdocPart(p OutdocPart) error { return putPart(context.Background(), t.tx, p) }

func putPart(ctx context.Context, tx *sqlTx, p OutdocPart) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO outdoc_parts (`+partColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (warehouse, outdoc_id, key) DO UPDATE SET doc_type = excluded.doc_type, doc_id = excluded.doc_id,
		status = excluded.status, change = excluded.change, updated_at = excluded.updated_at`,
		p.Warehouse, p.OutdocID, p.Key, p.DocType, p.DocID, p.Status, p.Change, now())
	return err
}

// FeedCursor is where a warehouse's feed read up to in shared reading
// mode; zero before the first read.
func (s *Store) FeedCursor(ctx context.Context, warehouse string) (time.Time, error) {
	var at string
	err := s.db.QueryRowContext(ctx, `SELECT read_to FROM feed_cursors WHERE warehouse = ?`, warehouse).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return parseTime(at), err
}

// ReopenOutdocPart forgets one recorded share of an imported outdoc and
// queues the outdoc to be applied again, in one transaction: its other
// shares stay recorded, so only this one is applied anew. False when the
// outdoc is not imported (being applied, reverted or gone): nothing
// changes.
func (s *Store) ReopenOutdocPart(ctx context.Context, warehouse string, outdocID int64, key string) (bool, error) {
	reopened := false
	err := s.inTx(ctx, func(tx *sqlTx) error {
		reopened = false
		res, err := tx.ExecContext(ctx, `UPDATE outdocs SET status = ?, updated_at = ? WHERE warehouse = ? AND outdoc_id = ? AND status IN (?, ?)`,
			OutdocNew, now(), warehouse, outdocID, OutdocLocked, OutdocApplied)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM outdoc_parts WHERE warehouse = ? AND outdoc_id = ? AND key = ?`, warehouse, outdocID, key); err != nil {
			return err
		}
		reopened = true
		_, err = s.river.InsertTx(ctx, tx.raw, ApplyOutdocArgs{Warehouse: warehouse, OutdocID: outdocID}, nil)
		return err
	})
	return reopened, err
}
