package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// Document is skladflow's record of a MoySklad document.
type Document struct {
	Type, ID  string // MoySklad entity type and id
	Name      string // MoySklad number, for people
	Flow      string // e.g. "inbound"
	State     string // flow state
	Warehouse string // configured warehouse name
	IndocID   string // warehouse task number
	Attempt   int
	LastError string
	Delivery  Delivery // the carrier's side of a delivery flow
	Version   int64    // +1 on every Update
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Delivery is what skladflow knows of a document's carrier order.
type Delivery struct {
	OrderNumber string    // our number for the order (CDEK im_number)
	OrderUUID   string    // the carrier's order id, once it answered
	TrackNumber string    // the carrier's number for people (cdek_number)
	Status      string    // last carrier status code applied
	StatusAt    time.Time // its time: an older status never overwrites it
}

// DocumentFilter selects documents; empty fields match all.
type DocumentFilter struct {
	Flow, State string
	Limit       int // Defaults to 100.
}

// Tx is a transaction inside Update.
type Tx struct {
	tx    *sqlTx
	store *Store
}

// AddTimeline adds a timeline entry in the transaction.
func (t *Tx) AddTimeline(e TimelineEntry) error { return addTimeline(context.Background(), t.tx, e) }

// Enqueue inserts a job in the transaction.
func (t *Tx) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	_, err := t.store.river.InsertTx(ctx, t.tx.raw, args, opts)
	return err
}

const docColumns = `doc_type, doc_id, name, flow, state, warehouse, indoc_id, attempt, last_error, version, created_at, updated_at,
	order_number, order_uuid, track_number, carrier_status, carrier_status_at`

type scanner interface{ Scan(...any) error }

func scanDocument(r scanner) (Document, error) {
	var d Document
	var created, updated, statusAt string
	err := r.Scan(&d.Type, &d.ID, &d.Name, &d.Flow, &d.State, &d.Warehouse, &d.IndocID, &d.Attempt, &d.LastError, &d.Version, &created, &updated,
		&d.Delivery.OrderNumber, &d.Delivery.OrderUUID, &d.Delivery.TrackNumber, &d.Delivery.Status, &statusAt)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	d.CreatedAt, d.UpdatedAt = parseTime(created), parseTime(updated)
	if statusAt != "" {
		d.Delivery.StatusAt = parseTime(statusAt)
	}
	return d, err
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Document loads one document.
func (s *Store) Document(ctx context.Context, docType, docID string) (Document, error) {
	return getDocument(ctx, s.db, docType, docID)
}

func getDocument(ctx context.Context, q querier, docType, docID string) (Document, error) {
	return scanDocument(q.QueryRowContext(ctx, `SELECT `+docColumns+` FROM documents WHERE doc_type = ? AND doc_id = ?`, docType, docID))
}

// DocumentByIndoc finds the document a warehouse task (or order) belongs
// to: the one that has or had that key.
func (s *Store) DocumentByIndoc(ctx context.Context, indocID string) (Document, error) {
	if indocID == "" {
		return Document{}, ErrNotFound
	}
	var typ, id string
	err := s.db.QueryRowContext(ctx, `SELECT doc_type, doc_id FROM document_keys WHERE key = ?`, indocID).Scan(&typ, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return Document{}, ErrNotFound
	}
	if err != nil {
		return Document{}, err
	}
	return s.Document(ctx, typ, id)
}

// DocumentByOrder finds the document a carrier order belongs to.
func (s *Store) DocumentByOrder(ctx context.Context, orderUUID string) (Document, error) {
	if orderUUID == "" {
		return Document{}, ErrNotFound
	}
	return scanDocument(s.db.QueryRowContext(ctx, `SELECT `+docColumns+` FROM documents WHERE order_uuid = ?`, orderUUID))
}

// Documents lists documents, most recently changed first.
func (s *Store) Documents(ctx context.Context, f DocumentFilter) ([]Document, error) {
	if f.Limit == 0 {
		f.Limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+docColumns+` FROM documents
		WHERE (? = '' OR flow = ?) AND (? = '' OR state = ?) ORDER BY updated_at DESC LIMIT ?`,
		f.Flow, f.Flow, f.State, f.State, f.Limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Update changes a document in one transaction: it loads the row (a new
// Document with Version 0 when missing), calls fn and saves the result with
// Version+1. An error from fn rolls everything back.
func (s *Store) Update(ctx context.Context, docType, docID string, fn func(tx *Tx, d *Document) error) (Document, error) {
	var out Document
	err := s.inTx(ctx, func(tx *sqlTx) error {
		// Updates of one document run one after another, also when it is
		// new (there is no row to lock yet).
		if err := s.db.dialect.serialize(ctx, tx, "document:"+docType+"/"+docID); err != nil {
			return err
		}
		d, err := getDocument(ctx, tx, docType, docID)
		isNew := errors.Is(err, ErrNotFound)
		if err != nil && !isNew {
			return err
		}
		if isNew {
			d = Document{Type: docType, ID: docID}
		}
		if err := fn(&Tx{tx: tx, store: s}, &d); err != nil {
			return err
		}
		d.Type, d.ID = docType, docID
		d.Version++
		ts := now()
		statusAt := ""
		if !d.Delivery.StatusAt.IsZero() {
			statusAt = fmtTime(d.Delivery.StatusAt)
		}
		dl := d.Delivery
		if isNew {
			_, err = tx.ExecContext(ctx, `INSERT INTO documents (`+docColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				d.Type, d.ID, d.Name, d.Flow, d.State, d.Warehouse, d.IndocID, d.Attempt, d.LastError, d.Version, ts, ts,
				dl.OrderNumber, dl.OrderUUID, dl.TrackNumber, dl.Status, statusAt)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE documents SET name = ?, flow = ?, state = ?, warehouse = ?, indoc_id = ?, attempt = ?,
				last_error = ?, version = ?, updated_at = ?, order_number = ?, order_uuid = ?, track_number = ?, carrier_status = ?,
				carrier_status_at = ? WHERE doc_type = ? AND doc_id = ?`,
				d.Name, d.Flow, d.State, d.Warehouse, d.IndocID, d.Attempt, d.LastError, d.Version, ts,
				dl.OrderNumber, dl.OrderUUID, dl.TrackNumber, dl.Status, statusAt, d.Type, d.ID)
		}
		if err != nil {
			return fmt.Errorf("storage: save %s %s: %w", docType, docID, err)
		}
		if d.IndocID != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO document_keys (key, doc_type, doc_id) VALUES (?, ?, ?)
				ON CONFLICT (key) DO UPDATE SET doc_type = excluded.doc_type, doc_id = excluded.doc_id`,
				d.IndocID, d.Type, d.ID); err != nil {
				return fmt.Errorf("storage: key %s of %s %s: %w", d.IndocID, docType, docID, err)
			}
		}
		out = d
		return nil
	})
	return out, err
}

// CountStuck counts documents whose state is not final and has not changed
// since before.
func (s *Store) CountStuck(ctx context.Context, before time.Time, final ...string) (int, error) {
	q := `SELECT count(*) FROM documents WHERE updated_at < ?`
	args := []any{fmtTime(before)}
	for _, f := range final {
		q += ` AND state != ?`
		args = append(args, f)
	}
	var n int
	err := s.db.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, err
}
