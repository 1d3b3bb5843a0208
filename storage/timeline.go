package storage

import (
	"context"
	"database/sql"
	"time"
)

// TimelineKind says what a timeline entry is about.
type TimelineKind string

// Timeline kinds.
const (
	KindDecision   TimelineKind = "decision"   // what skladflow decided to do on a command
	KindTransition TimelineKind = "transition" // a flow state change
	KindCall       TimelineKind = "call"       // a call to a peer and its answer
	KindWriteback  TimelineKind = "writeback"  // a write to MoySklad, with the mini-log lines
	KindEvent      TimelineKind = "event"      // something a peer did (a warehouse document, a carrier status)
	KindError      TimelineKind = "error"      // the cause of a failure
	KindRefused    TimelineKind = "refused"    // a command the flow does not allow
	KindRecovered  TimelineKind = "recovered"  // work a crash interrupted, found done and finished
	KindOperator   TimelineKind = "operator"   // an operator's action
	KindReconcile  TimelineKind = "reconcile"  // found by reconciliation, not by a notification
)

// TimelineEntry is one thing that happened to a document.
type TimelineEntry struct {
	ID      int64
	DocType string
	DocID   string
	At      time.Time
	Kind    TimelineKind
	Message string // one line
	Detail  string // optional: codes, bodies, the mini-log lines written
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func addTimeline(ctx context.Context, x execer, e TimelineEntry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	_, err := x.ExecContext(ctx, `INSERT INTO timeline (doc_type, doc_id, at, kind, message, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		e.DocType, e.DocID, fmtTime(e.At), e.Kind, e.Message, e.Detail)
	return err
}

// AddTimeline adds an entry outside a document update.
func (s *Store) AddTimeline(ctx context.Context, e TimelineEntry) error {
	return addTimeline(ctx, s.db, e)
}

// Timeline lists a document's entries, oldest first.
func (s *Store) Timeline(ctx context.Context, docType, docID string) ([]TimelineEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, doc_type, doc_id, at, kind, message, detail FROM timeline
		WHERE doc_type = ? AND doc_id = ? ORDER BY id`, docType, docID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TimelineEntry
	for rows.Next() {
		var e TimelineEntry
		var at string
		if err := rows.Scan(&e.ID, &e.DocType, &e.DocID, &at, &e.Kind, &e.Message, &e.Detail); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
