package storage

import (
	"context"
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
