package storage

import (
	"context"
	"fmt"
	"time"
)

// ProcessDocumentArgs acts on a MoySklad document's current status.
//
// It is deliberately not a unique job: River keeps a finished job "running"
// until its completer flushes, and an event arriving in that window would
// be dropped as a duplicate. Every stored event gets its job; runs of one
// document are serialized by a lease, and a run that finds nothing new to
// do costs one GET.
type ProcessDocumentArgs struct {
	DocType string `json:"doc_type"`
	DocID   string `json:"doc_id"`
}

func (ProcessDocumentArgs) Kind() string { return "process_document" }

// ApplyOutdocArgs applies one warehouse document. Not unique, for the
// reason ProcessDocumentArgs is not; runs for one document are serialized by
// its lease and a run with nothing left to do returns at once.
type ApplyOutdocArgs struct {
	Warehouse string `json:"warehouse"`
	OutdocID  int64  `json:"outdoc_id"`
}

func (ApplyOutdocArgs) Kind() string { return "apply_outdoc" }

// PollFeedArgs reads a warehouse's feed of outgoing documents. Not unique,
// for the reason ProcessDocumentArgs is not: a poll asked for just after
// another finished must still run. Overlapping polls are harmless (the
// client sends one request at a time; outdocs are deduplicated by id).
type PollFeedArgs struct {
	Warehouse string `json:"warehouse"`
}

func (PollFeedArgs) Kind() string { return "poll_feed" }

// DocTypeWarehouse marks inbox events about a warehouse's feed (pushes):
// their DocID is the warehouse name and a feed poll processes them.
const DocTypeWarehouse = "warehouse"

// RerunDocumentArgs re-runs a document's flow on an operator's request: a
// failed submission is submitted again, a failed receipt applied again.
type RerunDocumentArgs struct {
	DocType string `json:"doc_type"`
	DocID   string `json:"doc_id"`
}

func (RerunDocumentArgs) Kind() string { return "rerun_document" }

// QueueRerun asks for a document's flow to run again (operator action).
func (s *Store) QueueRerun(ctx context.Context, docType, docID string) error {
	if _, err := s.Document(ctx, docType, docID); err != nil {
		return err
	}
	_, err := s.river.Insert(ctx, RerunDocumentArgs{DocType: docType, DocID: docID}, nil)
	return err
}

// QueueProcess asks for a document to be read and acted on (a periodic
// check, not an event: nothing goes to the inbox).
func (s *Store) QueueProcess(ctx context.Context, docType, docID string) error {
	_, err := s.river.Insert(ctx, ProcessDocumentArgs{DocType: docType, DocID: docID}, nil)
	return err
}

// JobCounts counts jobs by state.
func (s *Store) JobCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT state, count(*) FROM river_job GROUP BY state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}

// QueueCheck asks for a document to be read and acted on now (operator
// action), as if MoySklad had notified a change.
func (s *Store) QueueCheck(ctx context.Context, docType, docID string) error {
	if _, err := s.Document(ctx, docType, docID); err != nil {
		return err
	}
	_, err := s.AcceptEvents(ctx, "", "operator", []InboxEvent{{
		EventKey: fmt.Sprintf("check/%s/%s/%d", docType, docID, time.Now().UnixNano()), DocType: docType, DocID: docID,
	}})
	return err
}

// RefreshGoodArgs keeps the warehouses' cards of a product or variant
// current after staff changed it (a MoySklad UPDATE event). Not unique:
// a refresh reads the item as it is now, so a second one is only a no-op.
type RefreshGoodArgs struct {
	AssortmentType string `json:"assortment_type"` // product or variant
	AssortmentID   string `json:"assortment_id"`
}

func (RefreshGoodArgs) Kind() string { return "refresh_good" }

// IsAssortmentType says whether inbox events of a MoySklad type are about
// goods (a refresh_good job), not documents.
func IsAssortmentType(t string) bool { return t == "product" || t == "variant" }
