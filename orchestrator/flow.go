package orchestrator

import (
	"context"

	"github.com/riverqueue/river"

	"github.com/skladflow/skladflow/fsm"
)

// Flow is one document flow: what the machinery needs of it.
type Flow interface {
	// Table is the flow's transition table; its name names the flow.
	Table() *fsm.Flow
	// DocumentTypes are the MoySklad document types the flow acts on. A
	// type belongs to one flow.
	DocumentTypes() []string
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
