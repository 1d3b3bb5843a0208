package storage

import (
	"context"
	"database/sql"
	"time"
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

// MarkProcessed marks a document's events received up to upTo as done.
func (s *Store) MarkProcessed(ctx context.Context, docType, docID string, upTo time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE inbox SET processed_at = ? WHERE doc_type = ? AND doc_id = ? AND processed_at IS NULL AND received_at <= ?`,
		now(), docType, docID, fmtTime(upTo))
	return err
}

// QueuedDocuments lists up to limit documents of a type that have events
// not yet processed and no job working on them (none holds their lease),
// oldest event first: the documents whose jobs will read them next. The
// lease key is DocumentLease's, spelled in SQL.
func (s *Store) QueuedDocuments(ctx context.Context, docType string, limit int) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT doc_id FROM inbox i WHERE doc_type = ? AND processed_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.key = 'doc:' || i.doc_type || '/' || i.doc_id AND l.until >= ?)
		GROUP BY doc_id ORDER BY min(id) LIMIT ?`, docType, now(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// NewestUnprocessed is when the newest event of a document not yet
// processed was received; zero when none waits.
func (s *Store) NewestUnprocessed(ctx context.Context, docType, docID string) (time.Time, error) {
	var at sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT max(received_at) FROM inbox WHERE doc_type = ? AND doc_id = ? AND processed_at IS NULL`,
		docType, docID).Scan(&at)
	if err != nil || !at.Valid {
		return time.Time{}, err
	}
	return parseTime(at.String), nil
}

// HasUnprocessed reports whether a document has events not yet processed.
func (s *Store) HasUnprocessed(ctx context.Context, docType, docID string) (bool, error) {
	at, err := s.NewestUnprocessed(ctx, docType, docID)
	return !at.IsZero(), err
}

// ProcessedSince reports whether a document had an event processed at or
// after since: reconciliation's list of documents in a command status is
// stale for it, as a job worked it after the list was read.
func (s *Store) ProcessedSince(ctx context.Context, docType, docID string, since time.Time) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM inbox WHERE doc_type = ? AND doc_id = ? AND processed_at >= ?`,
		docType, docID, fmtTime(since)).Scan(&n)
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
