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
	Payload     []byte
	ReceivedAt  time.Time
	ProcessedAt *time.Time
}

// AcceptEvents stores new events and queues a job per stored event, in one
// transaction: when it returns nil the work cannot be lost. A request id
// seen before stores nothing (MoySklad's resends carry the same one); an
// event whose key was seen before is skipped (the same change under
// another request id).
func (s *Store) AcceptEvents(ctx context.Context, requestID, source string, events []InboxEvent) (int, error) {
	stored := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		stored = 0
		if requestID != "" {
			res, err := tx.ExecContext(ctx, `INSERT INTO inbox_requests (source, request_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
				source, requestID, now())
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
		}
		var jobs []river.InsertManyParams
		for _, e := range events {
			at := e.ReceivedAt
			if at.IsZero() {
				at = time.Now()
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO inbox (source, request_id, event_key, doc_type, doc_id, payload, received_at)
				VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, event_key) DO NOTHING`,
				source, requestID, e.EventKey, e.DocType, e.DocID, e.Payload, fmtTime(at))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			stored++
			if e.DocType == DocTypeWarehouse {
				// A push says the warehouse's feed has news: read it, through
				// the same path as the periodic poll.
				jobs = append(jobs, river.InsertManyParams{Args: PollFeedArgs{Warehouse: e.DocID}})
				continue
			}
			if IsAssortmentType(e.DocType) {
				jobs = append(jobs, river.InsertManyParams{Args: RefreshGoodArgs{AssortmentType: e.DocType, AssortmentID: e.DocID}})
				continue
			}
			jobs = append(jobs, river.InsertManyParams{Args: ProcessDocumentArgs{DocType: e.DocType, DocID: e.DocID}})
		}
		if len(jobs) == 0 {
			return nil
		}
		_, err := s.river.InsertManyTx(ctx, tx, jobs)
		return err
	})
	return stored, err
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
	rows, err := s.db.QueryContext(ctx, `SELECT id, source, request_id, event_key, doc_type, doc_id, payload, received_at
		FROM inbox WHERE processed_at IS NULL ORDER BY id LIMIT ?`, limit)
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
