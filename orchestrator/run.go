package orchestrator

import (
	"context"
	"fmt"
	"strings"

	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

// Run is one run of a flow on one document, holding its lease: the
// document as MoySklad has it now, its stored row, and whether this is the
// job's last try. Its methods are the steps every flow takes.
type Run struct {
	// Doc is the current MoySklad document.
	Doc *moysklad.Document
	// Row is the document's stored flow state; Transition keeps it current.
	Row storage.Document
	// LastTry makes a temporary failure final: the retry horizon is past.
	LastTry bool

	o    *Orchestrator
	flow *fsm.Flow
}

// NewRun starts a run on a document read under its lease (a flow's own
// job, such as applying a warehouse document).
func (o *Orchestrator) NewRun(ctx context.Context, doc *moysklad.Document, row storage.Document) (*Run, error) {
	// The flow the row records: the document is in it, whatever staff
	// changed since.
	f, ok := o.named(row.Flow)
	if !ok {
		f, ok = o.flowFor(doc)
	}
	if !ok {
		return nil, fmt.Errorf("%s %s belongs to no flow: %w", row.Type, row.ID, ErrFinal)
	}
	if row.State == "" {
		row.State = string(fsm.New)
	}
	return &Run{Doc: doc, Row: row, LastTry: LastTry(ctx), o: o, flow: f.Table()}, nil
}

// State is the document's flow state.
func (r *Run) State() fsm.State { return fsm.State(r.Row.State) }

// Status is the document's MoySklad status name.
func (r *Run) Status() string { return r.Doc.StateName() }

// Transition saves a flow event's new state with its timeline in one
// transaction, refusing if someone else changed the row since it was read.
// edit, when given, changes the row (and anything else in tx) in the same
// transaction; its error rolls everything back.
func (r *Run) Transition(ctx context.Context, ev fsm.Event, edit func(tx *storage.Tx, d *storage.Document) error, entries ...storage.TimelineEntry) error {
	row, o := r.Row, r.o
	d, err := o.store.Update(ctx, row.Type, row.ID, func(tx *storage.Tx, d *storage.Document) error {
		if d.Version != row.Version {
			return fmt.Errorf("%s %s changed during the run: %w", row.Type, row.ID, storage.ErrConflict)
		}
		from := fsm.State(d.State)
		if from == "" || (d.Flow != "" && d.Flow != r.flow.Name()) {
			// A document new to this flow (another flow had it before)
			// starts at the beginning of this one.
			from = fsm.New
		}
		to, err := r.flow.Fire(from, ev)
		if err != nil {
			return err
		}
		if d.Flow != "" && d.Flow != r.flow.Name() {
			if err := tx.AddTimeline(r.entry(storage.TimelineEntry{Kind: storage.KindDecision,
				Message: fmt.Sprintf("документ переходит из потока %s (%s) в поток %s", d.Flow, d.State, r.flow.Name())})); err != nil {
				return err
			}
		}
		d.State, d.Flow = string(to), r.flow.Name()
		if edit != nil {
			if err := edit(tx, d); err != nil {
				return err
			}
		}
		for _, e := range entries {
			if err := tx.AddTimeline(r.entry(e)); err != nil {
				return err
			}
		}
		return tx.AddTimeline(r.entry(storage.TimelineEntry{Kind: storage.KindTransition, Message: fmt.Sprintf("%s → %s (%s)", from, to, ev)}))
	})
	if err != nil {
		return err
	}
	r.Row = d
	o.cfg.Metrics.Transitions.Inc(r.flow.Name(), string(ev))
	return nil
}

// HandOver gives the document to another flow, which starts on it at
// once: a move between two warehouses, shipped out of one, is then
// received by the other. The row keeps its history; the next run is the
// other flow's (it must take the document).
func (r *Run) HandOver(ctx context.Context, flow string, entries ...storage.TimelineEntry) error {
	if _, ok := r.o.named(flow); !ok {
		return fmt.Errorf("hand over to %s: no such flow: %w", flow, ErrFinal)
	}
	row := r.Row
	d, err := r.o.store.Update(ctx, row.Type, row.ID, func(tx *storage.Tx, d *storage.Document) error {
		if d.Version != row.Version {
			return fmt.Errorf("%s %s changed during the run: %w", row.Type, row.ID, storage.ErrConflict)
		}
		entries = append(entries, storage.TimelineEntry{Kind: storage.KindDecision,
			Message: fmt.Sprintf("документ передан из потока %s (%s) потоку %s", d.Flow, d.State, flow)})
		for _, e := range entries {
			if err := tx.AddTimeline(r.entry(e)); err != nil {
				return err
			}
		}
		d.Flow, d.State = flow, string(fsm.New)
		return tx.Enqueue(ctx, storage.ProcessDocumentArgs{DocType: row.Type, DocID: row.ID}, nil)
	})
	if err != nil {
		return err
	}
	r.Row = d
	return nil
}

// entry stamps a timeline entry with the document and the time.
func (r *Run) entry(e storage.TimelineEntry) storage.TimelineEntry { return r.o.stamp(r.Row, e) }

func (o *Orchestrator) stamp(row storage.Document, e storage.TimelineEntry) storage.TimelineEntry {
	e.DocType, e.DocID = row.Type, row.ID
	if e.At.IsZero() {
		e.At = o.cfg.Now()
	}
	return e
}

// Note adds timeline entries outside a transition.
func (r *Run) Note(ctx context.Context, entries ...storage.TimelineEntry) error {
	return r.o.Note(ctx, r.Row, entries...)
}

// Note adds timeline entries to a document's timeline outside a run.
func (o *Orchestrator) Note(ctx context.Context, row storage.Document, entries ...storage.TimelineEntry) error {
	for _, e := range entries {
		if err := o.store.AddTimeline(ctx, o.stamp(row, e)); err != nil {
			return err
		}
	}
	return nil
}

// Say writes a status and mini-log lines, nothing else.
func (r *Run) Say(ctx context.Context, status string, lines ...string) (storage.TimelineEntry, error) {
	return r.WriteBack(ctx, status, moysklad.DocumentUpdate{}, lines...)
}

// WriteBack is the one PUT of a transition: the status, the mini-log lines
// and whatever else upd carries (positions, posting, custom fields). It
// returns the timeline entry describing it.
func (r *Run) WriteBack(ctx context.Context, status string, upd moysklad.DocumentUpdate, lines ...string) (storage.TimelineEntry, error) {
	doc, o := r.Doc, r.o
	if doc.StateName() == status && minilog.EndsWith(doc.Description, lines...) {
		// Written by a run that died before recording it: writing again
		// would only repeat the lines.
		return storage.TimelineEntry{Kind: storage.KindRecovered,
			Message: fmt.Sprintf("МойСклад: статус «%s» и строка уже записаны прерванным запуском — не повторяю", status)}, nil
	}
	st, err := o.State(ctx, doc.Type(), status)
	if err != nil {
		return storage.TimelineEntry{}, err
	}
	stamped := make([]string, len(lines))
	for i, l := range lines {
		stamped[i] = minilog.Line(o.cfg.Now(), l)
	}
	desc, dropped := minilog.Append(doc.Description, stamped...)
	upd.State, upd.Description = st.Ref(), &desc
	if _, err := o.ms.UpdateDocument(ctx, doc.Type(), doc.ID, upd); err != nil {
		return storage.TimelineEntry{}, fmt.Errorf("write status %q to %s %s: %w", status, doc.Type(), doc.Name, err)
	}
	msg := fmt.Sprintf("МойСклад: статус «%s»", status)
	if upd.Positions != nil {
		msg += ", " + minilog.Positions(len(*upd.Positions))
	}
	if upd.Applicable != nil && *upd.Applicable {
		msg += ", проведён"
	}
	for _, a := range upd.Attributes {
		msg += fmt.Sprintf(", доп. поле = %v", a.Value)
	}
	detail := strings.Join(stamped, "\n") + "\n"
	if dropped > 0 {
		detail += fmt.Sprintf("(из комментария убрано старых строк: %d)\n", dropped)
	}
	return storage.TimelineEntry{Kind: storage.KindWriteback, Message: msg, Detail: detail}, nil
}

// Refuse answers a command the flow does not allow: the status staff see
// instead, the reason in the mini-log, the refusal in the timeline.
func (r *Run) Refuse(ctx context.Context, ev fsm.Event, status, line string) error {
	_, terr := r.flow.Fire(r.State(), ev)
	entry, err := r.Say(ctx, status, line)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("%s: %s", ev, line)
	if terr != nil {
		msg = terr.Error()
	}
	return r.Note(ctx, storage.TimelineEntry{Kind: storage.KindRefused, Message: msg}, entry)
}

// Fail writes an error status with its line and takes the flow's failure
// event; edit, when given, changes the row in the same transaction.
func (r *Run) Fail(ctx context.Context, ev fsm.Event, status, line string, cause error, edit func(*storage.Document), entries ...storage.TimelineEntry) error {
	entry, err := r.Say(ctx, status, line)
	if err != nil {
		return err
	}
	entries = append(entries, storage.TimelineEntry{Kind: storage.KindError, Message: cause.Error()}, entry)
	return r.Transition(ctx, ev, func(_ *storage.Tx, d *storage.Document) error {
		d.LastError = line
		if edit != nil {
			edit(d)
		}
		return nil
	}, entries...)
}

// Failed decides what a failed call to a peer means. While the failure is
// temporary and this is not the last try, the call goes to the timeline and
// the error back to the queue, which retries it; otherwise fail gives the
// step's final answer (an error status with the cause, as a rule).
func (r *Run) Failed(ctx context.Context, err error, call storage.TimelineEntry, fail func() error) error {
	if Temporary(err) && !r.LastTry {
		if nerr := r.Note(ctx, call); nerr != nil {
			return nerr
		}
		return err
	}
	return fail()
}
