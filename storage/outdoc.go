package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/riverqueue/river"
)

// Outdoc statuses.
const (
	OutdocNew     = "new"     // seen in the feed, not applied
	OutdocApplied = "applied" // written to MoySklad, not yet locked at the warehouse
	OutdocLocked  = "locked"  // done
	OutdocFailed  = "failed"  // could not be applied; waits for staff
	OutdocRevert  = "revert"  // the warehouse asked to unlock it: revert, then unlock
	OutdocUndone  = "undone"  // reverted and unlocked; the warehouse replaces it
	OutdocDeleted = "deleted" // the warehouse deleted it before skladflow applied it
)

// Outdoc is a warehouse outgoing document skladflow has seen.
type Outdoc struct {
	Warehouse string
	OutdocID  int64
	Type      string
	IndocID   string
	PartNum   *int32
	Status    string
	Body      []byte
	Before    []byte // the document's positions before this receipt, as JSON
	Kind      string // how it was applied, decided once by its flow
	Change    []byte // what applying it changed, as its flow records it (JSON)
	Error     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

const outdocColumns = `warehouse, outdoc_id, type, indoc_id, part_num, status, body, before, kind, change, error, created_at, updated_at`

func scanOutdoc(r scanner) (Outdoc, error) {
	var o Outdoc
	var part sql.NullInt32
	var created, updated string
	err := r.Scan(&o.Warehouse, &o.OutdocID, &o.Type, &o.IndocID, &part, &o.Status, &o.Body, &o.Before, &o.Kind, &o.Change, &o.Error, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return o, ErrNotFound
	}
	if part.Valid {
		o.PartNum = &part.Int32
	}
	o.CreatedAt, o.UpdatedAt = parseTime(created), parseTime(updated)
	return o, err
}

// AcceptOutdocs records outdocs from the feed and queues a job for each one
// still to be applied or locked, in one transaction. Every poll queues them
// again until they are done: a job that finds nothing to do ends at once.
func (s *Store) AcceptOutdocs(ctx context.Context, warehouse string, outdocs []Outdoc) (int, error) {
	return s.AcceptOutdocsReadTo(ctx, warehouse, outdocs, time.Time{})
}

// AcceptOutdocsReadTo is AcceptOutdocs that also moves the warehouse's
// feed cursor (shared reading) to readTo in the same transaction, so a
// window is marked read only with its documents recorded.
func (s *Store) AcceptOutdocsReadTo(ctx context.Context, warehouse string, outdocs []Outdoc, readTo time.Time) (int, error) {
	enqueued := 0
	err := s.inTx(ctx, func(tx *sqlTx) error {
		enqueued = 0
		if !readTo.IsZero() {
			if _, err := tx.ExecContext(ctx, `INSERT INTO feed_cursors (warehouse, read_to) VALUES (?, ?)
				ON CONFLICT (warehouse) DO UPDATE SET read_to = excluded.read_to`, warehouse, fmtTime(readTo)); err != nil {
				return err
			}
		}
		var jobs []river.InsertManyParams
		for _, o := range outdocs {
			ts := now()
			if _, err := tx.ExecContext(ctx, `INSERT INTO outdocs (`+outdocColumns+`) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, '', NULL, '', ?, ?)
				ON CONFLICT (warehouse, outdoc_id) DO NOTHING`,
				warehouse, o.OutdocID, o.Type, o.IndocID, o.PartNum, OutdocNew, ts, ts); err != nil {
				return err
			}
			var status string
			if err := tx.QueryRowContext(ctx, `SELECT status FROM outdocs WHERE warehouse = ? AND outdoc_id = ?`, warehouse, o.OutdocID).Scan(&status); err != nil {
				return err
			}
			if status == OutdocNew || status == OutdocApplied {
				jobs = append(jobs, river.InsertManyParams{Args: ApplyOutdocArgs{Warehouse: warehouse, OutdocID: o.OutdocID}})
			}
		}
		if len(jobs) == 0 {
			return nil
		}
		_, err := s.river.InsertManyTx(ctx, tx.raw, jobs)
		enqueued = len(jobs)
		return err
	})
	return enqueued, err
}

// Outdoc loads one outdoc.
func (s *Store) Outdoc(ctx context.Context, warehouse string, id int64) (Outdoc, error) {
	return scanOutdoc(s.db.QueryRowContext(ctx, `SELECT `+outdocColumns+` FROM outdocs WHERE warehouse = ? AND outdoc_id = ?`, warehouse, id))
}

// OutdocsByIndoc lists the outdocs of one warehouse task.
func (s *Store) OutdocsByIndoc(ctx context.Context, indocID string) ([]Outdoc, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+outdocColumns+` FROM outdocs WHERE indoc_id = ? ORDER BY outdoc_id`, indocID)
	if err != nil {
		return nil, err
	}
	return scanOutdocs(rows)
}

// UpdateOutdoc changes an outdoc in its own transaction.
func (s *Store) UpdateOutdoc(ctx context.Context, warehouse string, id int64, fn func(o *Outdoc) error) error {
	return s.inTx(ctx, func(tx *sqlTx) error { return updateOutdoc(ctx, tx, warehouse, id, fn) })
}

// UpdateOutdocTx changes an outdoc inside a document Update.
func (s *Store) UpdateOutdocTx(tx *Tx, warehouse string, id int64, fn func(o *Outdoc) error) error {
	return updateOutdoc(context.Background(), tx.tx, warehouse, id, fn)
}

func updateOutdoc(ctx context.Context, tx *sqlTx, warehouse string, id int64, fn func(o *Outdoc) error) error {
	o, err := scanOutdoc(tx.QueryRowContext(ctx, `SELECT `+outdocColumns+` FROM outdocs WHERE warehouse = ? AND outdoc_id = ?`+tx.dialect.forUpdate(), warehouse, id))
	if err != nil {
		return err
	}
	if err := fn(&o); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE outdocs SET type = ?, indoc_id = ?, part_num = ?, status = ?, body = ?, before = ?, kind = ?, change = ?, error = ?,
		updated_at = ? WHERE warehouse = ? AND outdoc_id = ?`, o.Type, o.IndocID, o.PartNum, o.Status, o.Body, o.Before, o.Kind, o.Change, o.Error,
		now(), warehouse, id)
	return err
}

// RequestRevert marks applied outdocs the warehouse asked to unlock and
// queues their jobs, in one transaction. Outdocs skladflow never applied
// are unlocked by no one here: they are not ours.
func (s *Store) RequestRevert(ctx context.Context, warehouse string, ids []int64) (int, error) {
	enqueued := 0
	err := s.inTx(ctx, func(tx *sqlTx) error {
		enqueued = 0
		var jobs []river.InsertManyParams
		for _, id := range ids {
			// Applied counts too: the warehouse has it locked even if the
			// local record of the lock is not written yet.
			res, err := tx.ExecContext(ctx, `UPDATE outdocs SET status = ?, updated_at = ? WHERE warehouse = ? AND outdoc_id = ? AND status IN (?, ?, ?)`,
				OutdocRevert, now(), warehouse, id, OutdocLocked, OutdocApplied, OutdocRevert)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				jobs = append(jobs, river.InsertManyParams{Args: ApplyOutdocArgs{Warehouse: warehouse, OutdocID: id}})
			}
		}
		if len(jobs) == 0 {
			return nil
		}
		_, err := s.river.InsertManyTx(ctx, tx.raw, jobs)
		enqueued = len(jobs)
		return err
	})
	return enqueued, err
}

// OutdocsWithStatus lists a warehouse's outdocs in any of the statuses.
func (s *Store) OutdocsWithStatus(ctx context.Context, warehouse string, statuses ...string) ([]Outdoc, error) {
	if len(statuses) == 0 {
		return nil, nil
	}
	args := []any{warehouse}
	for _, st := range statuses {
		args = append(args, st)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+outdocColumns+` FROM outdocs WHERE warehouse = ? AND status IN (?`+
		strings.Repeat(", ?", len(statuses)-1)+`) ORDER BY outdoc_id`, args...)
	if err != nil {
		return nil, err
	}
	return scanOutdocs(rows)
}

func scanOutdocs(rows *sql.Rows) ([]Outdoc, error) {
	defer rows.Close()
	var out []Outdoc
	for rows.Next() {
		o, err := scanOutdoc(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
