package storage

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/riverqueue/river"
)

// rowsPerStatement bounds a multi-row INSERT: 9 columns × 500 rows stays
// far below SQLite's 32,766 parameters.
const rowsPerStatement = 500

// writeBatch stores deliveries in one transaction with a handful of
// multi-row statements, whatever their number: per row the cost is the
// B-tree insert, not a statement. The order of the batch decides between
// duplicates in it: the first delivery of a request id and the first event
// of a key win, as if they had come one by one.
func (s *Store) writeBatch(ctx context.Context, tx *sqlTx, batch []*delivery) ([]Accepted, error) {
	out := make([]Accepted, len(batch))
	fresh, err := newRequests(ctx, tx, batch)
	if err != nil {
		return nil, err
	}
	var rows []inboxRow
	var jobs []river.InsertManyParams
	for i, d := range batch {
		n := &d.n
		if !fresh[i] {
			out[i].Duplicate = len(n.Events)
			continue
		}
		if len(n.Events) == 0 {
			continue
		}
		var notification sql.NullInt64
		payload := d.payload
		if d.events != nil || len(n.Events) > 1 && payload != nil {
			// The body is kept once for all its events.
			if err := tx.QueryRowContext(ctx, `INSERT INTO notifications (source, request_id, payload, events, received_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
				n.Source, n.RequestID, payload, d.events, fmtTime(n.ReceivedAt)).Scan(&notification.Int64); err != nil {
				return nil, err
			}
			notification.Valid, payload = true, nil
		}
		if d.events != nil {
			jobs = append(jobs, river.InsertManyParams{Args: FanOutArgs{NotificationID: notification.Int64}})
			out[i].Deferred = len(n.Events)
			continue
		}
		for _, e := range n.Events {
			rows = append(rows, inboxRow{delivery: i, source: n.Source, requestID: n.RequestID, event: e,
				notification: notification, payload: payload, at: n.ReceivedAt})
		}
	}
	stored, err := insertInbox(ctx, tx, rows)
	if err != nil {
		return nil, err
	}
	for k, r := range rows {
		if stored[k] {
			out[r.delivery].Stored++ // its job is the dispatcher's
		} else {
			out[r.delivery].Duplicate++
		}
	}
	if len(jobs) > 0 {
		if _, err := s.river.InsertManyFastTx(ctx, tx.raw, jobs); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// newRequests records the batch's request ids and reports which
// deliveries are new; one without a request id always is.
func newRequests(ctx context.Context, tx *sqlTx, batch []*delivery) ([]bool, error) {
	fresh := make([]bool, len(batch))
	var args []any
	for i, d := range batch {
		if d.n.RequestID == "" {
			fresh[i] = true
			continue
		}
		args = append(args, d.n.Source, d.n.RequestID, now())
	}
	inserted, err := insertReturning(ctx, tx, `INSERT INTO inbox_requests (source, request_id, received_at) VALUES `, 3, args,
		` ON CONFLICT DO NOTHING RETURNING source, request_id`)
	if err != nil {
		return nil, err
	}
	for i, d := range batch {
		k := [2]string{d.n.Source, d.n.RequestID}
		if d.n.RequestID != "" && inserted[k] {
			fresh[i] = true
			delete(inserted, k) // a second delivery of it in this batch is a resend
		}
	}
	return fresh, nil
}

// inboxRow is an event on its way into the inbox.
type inboxRow struct {
	delivery     int
	source       string
	requestID    string
	event        InboxEvent
	notification sql.NullInt64
	payload      []byte // a lone event's body; else the notification keeps it
	at           time.Time
}

// insertInbox stores the events whose key is new, for the dispatcher to
// make their jobs, and reports which.
func insertInbox(ctx context.Context, tx *sqlTx, rows []inboxRow) ([]bool, error) {
	args := make([]any, 0, 9*len(rows))
	for _, r := range rows {
		at := r.event.ReceivedAt
		if at.IsZero() {
			at = r.at
		}
		args = append(args, r.source, r.requestID, r.event.EventKey, r.event.DocType, r.event.DocID, r.notification, r.payload, fmtTime(at), 0)
	}
	inserted, err := insertReturning(ctx, tx, `INSERT INTO inbox (source, request_id, event_key, doc_type, doc_id, notification_id, payload, received_at, dispatched) VALUES `,
		9, args, ` ON CONFLICT (source, event_key) DO NOTHING RETURNING source, event_key`)
	if err != nil {
		return nil, err
	}
	stored := make([]bool, len(rows))
	for i, r := range rows {
		k := [2]string{r.source, r.event.EventKey}
		if inserted[k] {
			stored[i] = true
			delete(inserted, k) // the same change twice in this batch is stored once
		}
	}
	return stored, nil
}

// insertReturning runs a multi-row INSERT over args (cols values a row) in
// chunks and collects the pairs it returns: the rows it inserted, by their
// unique key (a row skipped by ON CONFLICT returns nothing).
func insertReturning(ctx context.Context, tx *sqlTx, head string, cols int, args []any, tail string) (map[[2]string]bool, error) {
	inserted := map[[2]string]bool{}
	row := "(?" + strings.Repeat(", ?", cols-1) + ")"
	for len(args) > 0 {
		n := min(len(args)/cols, rowsPerStatement)
		q := head + row + strings.Repeat(", "+row, n-1) + tail
		rs, err := tx.QueryContext(ctx, q, args[:n*cols]...)
		if err != nil {
			return nil, err
		}
		for rs.Next() {
			var k [2]string
			if err := rs.Scan(&k[0], &k[1]); err != nil {
				rs.Close()
				return nil, err
			}
			inserted[k] = true
		}
		if err := rs.Close(); err != nil {
			return nil, err
		}
		if err := rs.Err(); err != nil {
			return nil, err
		}
		args = args[n*cols:]
	}
	return inserted, nil
}
