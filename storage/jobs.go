package storage

import (
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// pendingStates make a job unique while it waits or runs (River requires
// running among them); a completed job does not block the next one.
var pendingStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateScheduled, rivertype.JobStateRetryable,
}

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

// ApplyOutdocArgs applies one warehouse document.
type ApplyOutdocArgs struct {
	Warehouse string `json:"warehouse"`
	OutdocID  int64  `json:"outdoc_id"`
}

func (ApplyOutdocArgs) Kind() string { return "apply_outdoc" }

func (ApplyOutdocArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: pendingStates}}
}

// PollFeedArgs reads a warehouse's feed of outgoing documents. One poll per
// warehouse waits at a time; a completed poll does not block the next.
type PollFeedArgs struct {
	Warehouse string `json:"warehouse"`
}

func (PollFeedArgs) Kind() string { return "poll_feed" }

func (PollFeedArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: pendingStates}}
}

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
