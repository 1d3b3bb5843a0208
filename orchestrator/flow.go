package orchestrator

import (
	"context"

	"github.com/riverqueue/river"

	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/moysklad"
)

// Flow is one document flow: what the machinery needs of it.
type Flow interface {
	// Table is the flow's transition table; its name names the flow.
	Table() *fsm.Flow
	// DocumentTypes are the MoySklad document types the flow acts on.
	// Several flows may share a type: Takes tells whose a document is.
	DocumentTypes() []string
	// Takes reports whether a document of one of its types is the flow's:
	// by its store (a warehouse store or not) and what staff asked. The
	// flows of a type are asked in the order they were registered.
	Takes(doc *moysklad.Document) bool
	// Expand is what the flow needs expanded when a document is read.
	Expand() []string
	// Commands are the statuses by which staff order the flow to act:
	// reconciliation looks for documents left sitting in them.
	Commands() []string
	// Process acts on the document's current status.
	Process(ctx context.Context, r *Run) error
	// Rerun runs the flow again because an operator asked.
	Rerun(ctx context.Context, r *Run) error
}

// Jobs is a flow with durable jobs of its own.
type Jobs interface {
	// AddWorkers adds the flow's workers.
	AddWorkers(w *river.Workers)
	// PeriodicJobs are the flow's scheduled jobs.
	PeriodicJobs() []*river.PeriodicJob
}

// Reconciler is a flow with something of its own to look for in the
// periodic reconciliation.
type Reconciler interface {
	// Reconcile finds what notifications did not bring and returns how
	// many things it found.
	Reconcile(ctx context.Context) (int, error)
}
