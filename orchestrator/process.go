package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

// ProcessDocument acts on a document's current MoySklad status, as the only
// writer of the document. Events are only hints: the document is read again
// and its flow decides on what it is now.
func (o *Orchestrator) ProcessDocument(ctx context.Context, typ, id string) error {
	return o.run(ctx, typ, id, Flow.Process)
}

// Rerun runs a document's flow again because an operator asked: after an
// outage longer than the retry horizon, or once the cause was fixed.
func (o *Orchestrator) Rerun(ctx context.Context, typ, id string) error {
	return o.run(ctx, typ, id, Flow.Rerun)
}

func (o *Orchestrator) run(ctx context.Context, typ, id string, step func(Flow, context.Context, *Run) error) error {
	if len(o.byType[typ]) == 0 {
		return fmt.Errorf("%s documents belong to no flow: %w", typ, ErrFinal)
	}
	return o.WithDocument(ctx, typ, id, func() error {
		doc, readAt, err := o.read(ctx, typ, id)
		if errors.Is(err, moysklad.ErrNotFound) {
			o.log.Info("document deleted in MoySklad", "type", typ, "id", id)
			return o.done(ctx, typ, id, readAt)
		}
		if err != nil {
			return fmt.Errorf("get %s %s: %w", typ, id, err)
		}
		row, err := o.Row(ctx, typ, id)
		if err != nil {
			return err
		}
		f, ok := o.flowOf(doc, row)
		if !ok {
			o.log.Debug("no flow takes the document", "type", typ, "id", id)
			return o.done(ctx, typ, id, readAt)
		}
		if row.Flow != "" && row.Flow != f.Table().Name() {
			row.State = string(fsm.New) // new to this flow; Transition records the change
		}
		if err := step(f, ctx, &Run{Doc: doc, Row: row, LastTry: LastTry(ctx), o: o, flow: f.Table()}); err != nil {
			return err
		}
		return o.done(ctx, typ, id, readAt)
	})
}

// queuedReader is a client that reads a document for its job, perhaps
// read ahead with others whose jobs are queued (moysklad/batching), as it
// was at some moment after after, and says when.
type queuedReader interface {
	ReadQueued(ctx context.Context, typ, id string, after time.Time, expand ...string) (*moysklad.Document, time.Time, error)
}

// read reads a document for its run and says as of when: the events
// received up to then are what the run has seen. A read made ahead serves
// only if it came after every event waiting for the document.
func (o *Orchestrator) read(ctx context.Context, typ, id string) (*moysklad.Document, time.Time, error) {
	if r, ok := o.ms.(queuedReader); ok {
		after, err := o.store.NewestUnprocessed(ctx, typ, id)
		if err != nil {
			return nil, time.Time{}, err
		}
		if after.IsZero() { // a rerun, a reconciliation: nothing waits, read now
			after = o.cfg.Now()
		}
		return r.ReadQueued(ctx, typ, id, after, o.expandFor(typ)...)
	}
	start := o.cfg.Now()
	doc, err := o.ms.GetDocument(ctx, typ, id, o.expandFor(typ)...)
	return doc, start, err
}

// Row loads the stored state of a document; a document never seen is New.
func (o *Orchestrator) Row(ctx context.Context, typ, id string) (storage.Document, error) {
	row, err := o.store.Document(ctx, typ, id)
	if errors.Is(err, storage.ErrNotFound) {
		return storage.Document{Type: typ, ID: id, State: string(fsm.New)}, nil
	}
	if row.State == "" {
		row.State = string(fsm.New)
	}
	return row, err
}

// done marks the events the run has seen as processed: those received
// before the document was read. Later ones have jobs of their own.
func (o *Orchestrator) done(ctx context.Context, typ, id string, readAt time.Time) error {
	return o.store.MarkProcessed(ctx, typ, id, readAt)
}
