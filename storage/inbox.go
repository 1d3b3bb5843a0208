package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/riverqueue/river"
)

// InboxEvent is a raw event as received.
type InboxEvent struct {
	ID          int64
	Source      string // "moysklad", "reconcile", …
	RequestID   string // MoySklad's ?requestId= (may be "")
	EventKey    string // event identity, unique per source
	DocType     string
	DocID       string
	Payload     []byte    // the notification's body, when it had one (read only)
	ReceivedAt  time.Time // defaults to the notification's
	ProcessedAt *time.Time
}

// batchTx is the writer's transaction: its statements prepared once, and
// the jobs of every delivery in it inserted together at the end.
type batchTx struct {
	tx                           *sql.Tx
	request, notification, inbox *sql.Stmt
	jobs                         []river.InsertManyParams
}

func (s *Store) newBatchTx(ctx context.Context, tx *sql.Tx) (*batchTx, error) {
	b := &batchTx{tx: tx}
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&b.request, `INSERT INTO inbox_requests (source, request_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`},
		{&b.notification, `INSERT INTO notifications (source, request_id, payload, events, received_at) VALUES (?, ?, ?, ?, ?) RETURNING id`},
		{&b.inbox, `INSERT INTO inbox (source, request_id, event_key, doc_type, doc_id, notification_id, received_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, event_key) DO NOTHING`},
	} {
		var err error
		if *p.stmt, err = tx.PrepareContext(ctx, p.sql); err != nil {
			b.close()
			return nil, err
		}
	}
	return b, nil
}

// flush inserts the jobs gathered so far, in the same transaction.
func (s *Store) flush(ctx context.Context, b *batchTx) error {
	if len(b.jobs) == 0 {
		return nil
	}
	_, err := s.river.InsertManyFastTx(ctx, b.tx, b.jobs)
	b.jobs = b.jobs[:0]
	return err
}

func (b *batchTx) close() {
	for _, st := range []*sql.Stmt{b.request, b.notification, b.inbox} {
		if st != nil {
			st.Close()
		}
	}
}

// storeNotification writes one delivery inside the writer's transaction.
// A request id seen before stores nothing (the sender's resends carry the
// same one); an event whose key was seen before is skipped (the same
// change under another request id). A notification with more events than
// FanOutAbove is stored as one row with its events encoded, and one
// fan-out job: its answer costs about the same whatever its size.
func (s *Store) storeNotification(ctx context.Context, b *batchTx, d *delivery) (Accepted, error) {
	n := &d.n
	if n.RequestID != "" {
		res, err := b.request.ExecContext(ctx, n.Source, n.RequestID, now())
		if err != nil {
			return Accepted{}, err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return Accepted{Duplicate: len(n.Events)}, nil
		}
	}
	if len(n.Events) == 0 {
		return Accepted{}, nil
	}
	var notification sql.NullInt64
	if d.payload != nil || d.events != nil {
		if err := b.notification.QueryRowContext(ctx, n.Source, n.RequestID, d.payload, d.events, fmtTime(n.ReceivedAt)).
			Scan(&notification.Int64); err != nil {
			return Accepted{}, err
		}
		notification.Valid = true
	}
	if d.events != nil {
		b.jobs = append(b.jobs, river.InsertManyParams{Args: FanOutArgs{NotificationID: notification.Int64}})
		return Accepted{Deferred: len(n.Events)}, nil
	}
	stored, err := insertEvents(ctx, b, n.Source, n.RequestID, notification, n.Events, n.ReceivedAt)
	return Accepted{Stored: stored, Duplicate: len(n.Events) - stored}, err
}

// rows is about how many rows a delivery writes at its answer.
func (d *delivery) rows() int {
	if d.events != nil {
		return 3
	}
	return 3 + 2*len(d.n.Events)
}

// insertEvents stores events not seen before, each with its job.
func insertEvents(ctx context.Context, b *batchTx, source, requestID string, notification sql.NullInt64,
	events []InboxEvent, receivedAt time.Time) (int, error) {
	stored := 0
	for _, e := range events {
		at := e.ReceivedAt
		if at.IsZero() {
			at = receivedAt
		}
		res, err := b.inbox.ExecContext(ctx, source, requestID, e.EventKey, e.DocType, e.DocID, notification, fmtTime(at))
		if err != nil {
			return 0, err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			continue
		}
		stored++
		b.jobs = append(b.jobs, river.InsertManyParams{Args: jobOf(e)})
	}
	return stored, nil
}

// jobOf is the work an event asks for.
func jobOf(e InboxEvent) river.JobArgs {
	switch {
	case e.DocType == DocTypeWarehouse:
		// A push says the warehouse's feed has news: read it, through the
		// same path as the periodic poll.
		return PollFeedArgs{Warehouse: e.DocID}
	case IsAssortmentType(e.DocType):
		return RefreshGoodArgs{AssortmentType: e.DocType, AssortmentID: e.DocID}
	}
	return ProcessDocumentArgs{DocType: e.DocType, DocID: e.DocID}
}

// MarkProcessed marks a document's events received up to upTo as done.
func (s *Store) MarkProcessed(ctx context.Context, docType, docID string, upTo time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE inbox SET processed_at = ? WHERE doc_type = ? AND doc_id = ? AND processed_at IS NULL AND received_at <= ?`,
		now(), docType, docID, fmtTime(upTo))
	return err
}

// HasUnprocessed reports whether a document has events not yet processed.
func (s *Store) HasUnprocessed(ctx context.Context, docType, docID string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM inbox WHERE doc_type = ? AND doc_id = ? AND processed_at IS NULL`, docType, docID).Scan(&n)
	return n > 0, err
}

// Unprocessed lists events not yet processed, oldest first.
func (s *Store) Unprocessed(ctx context.Context, limit int) ([]InboxEvent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT i.id, i.source, i.request_id, i.event_key, i.doc_type, i.doc_id, coalesce(i.payload, n.payload), i.received_at
		FROM inbox i LEFT JOIN notifications n ON n.id = i.notification_id WHERE i.processed_at IS NULL ORDER BY i.id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []InboxEvent
	for rows.Next() {
		var e InboxEvent
		var at string
		if err := rows.Scan(&e.ID, &e.Source, &e.RequestID, &e.EventKey, &e.DocType, &e.DocID, &e.Payload, &at); err != nil {
			return nil, err
		}
		e.ReceivedAt = parseTime(at)
		if e.Payload, err = unpackBlob(e.Payload); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// InboxCount counts stored events.
func (s *Store) InboxCount(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM inbox`).Scan(&n)
	return n, err
}
