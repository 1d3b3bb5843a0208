package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

// expand is what every decision needs of a document.
var expand = []string{"state", "positions.assortment"}

// ProcessDocument acts on a document's current MoySklad status. Events are
// only hints: the document is read again and the decision made on what it
// is now. lastTry makes a temporary failure final.
func (o *Orchestrator) ProcessDocument(ctx context.Context, typ, id string, lastTry bool) error {
	start := o.cfg.Now()
	doc, err := o.ms.GetDocument(ctx, typ, id, o.expandFor(typ)...)
	if errors.Is(err, moysklad.ErrNotFound) {
		o.log.Info("document deleted in MoySklad", "type", typ, "id", id)
		return o.done(ctx, typ, id, start)
	}
	if err != nil {
		return fmt.Errorf("get %s %s: %w", typ, id, err)
	}
	if o.isDelivery(typ) {
		if err := o.processDelivery(ctx, doc, lastTry); err != nil {
			return err
		}
		return o.done(ctx, typ, id, start)
	}
	wh, ok := o.warehouseFor(doc)
	if !ok {
		o.log.Debug("not a fulfillment document", "type", typ, "id", id)
		return o.done(ctx, typ, id, start)
	}
	row, err := o.row(ctx, typ, id)
	if err != nil {
		return err
	}
	state := fsm.State(row.State)
	status := doc.StateName()
	switch {
	case status == o.cfg.Statuses.Submit && state == fsm.ReceiveFailed:
		err = o.retryReceipt(ctx, doc, row)
	case status == o.cfg.Statuses.Submit && fsm.Inbound().Can(state, fsm.Submit):
		err = o.submit(ctx, doc, row, wh, lastTry)
	case status == o.cfg.Statuses.Submit:
		err = o.refuseSubmit(ctx, doc, row, wh)
	case status == o.cfg.Statuses.Cancel && fsm.Inbound().Can(state, fsm.Cancel):
		err = o.cancel(ctx, doc, row, wh, lastTry)
	case status == o.cfg.Statuses.Cancel:
		err = o.refuseCancel(ctx, doc, row, wh)
	case state == fsm.Submitting:
		err = o.resumeSubmit(ctx, doc, row)
	default:
		o.log.Debug("no command", "type", typ, "id", id, "status", status, "state", state)
	}
	if err != nil {
		return err
	}
	return o.done(ctx, typ, id, start)
}

// Rerun runs a document's flow again because an operator asked: after an
// outage longer than the retry horizon, or once the cause was fixed. A
// failed submission is submitted again, a failed receipt applied again;
// anything else is processed as if notified.
func (o *Orchestrator) Rerun(ctx context.Context, typ, id string, lastTry bool) error {
	if o.isDelivery(typ) {
		return o.rerunDelivery(ctx, typ, id, lastTry)
	}
	row, err := o.row(ctx, typ, id)
	if err != nil {
		return err
	}
	switch fsm.State(row.State) {
	case fsm.SubmitFailed, fsm.Submitting, fsm.ReceiveFailed:
	default:
		return o.ProcessDocument(ctx, typ, id, lastTry)
	}
	doc, err := o.ms.GetDocument(ctx, typ, id, expand...)
	if err != nil {
		return fmt.Errorf("get %s %s: %w", typ, id, err)
	}
	wh, ok := o.warehouseFor(doc)
	if !ok {
		return fmt.Errorf("%s %s is no longer in a fulfillment store: %w", typ, id, errFinal)
	}
	if err := o.note(ctx, row, storage.TimelineEntry{Kind: "operator", Message: "повторный запуск по запросу оператора"}); err != nil {
		return err
	}
	if fsm.State(row.State) == fsm.ReceiveFailed {
		return o.retryReceipt(ctx, doc, row)
	}
	return o.submit(ctx, doc, row, wh, lastTry)
}

// row loads the stored state of a document; a document never seen is New.
func (o *Orchestrator) row(ctx context.Context, typ, id string) (storage.Document, error) {
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
func (o *Orchestrator) done(ctx context.Context, typ, id string, start time.Time) error {
	return o.store.MarkProcessed(ctx, typ, id, start)
}

// transition saves a flow event's new state with its timeline in one
// transaction, refusing if someone else changed the row since it was read.
func (o *Orchestrator) transition(ctx context.Context, row storage.Document, ev fsm.Event, edit func(tx *storage.Tx, d *storage.Document) error, entries ...storage.TimelineEntry) (storage.Document, error) {
	d, err := o.update(ctx, row, ev, edit, entries...)
	if err == nil {
		o.cfg.Metrics.Transitions.Inc(o.flowFor(row.Type).Name(), string(ev))
	}
	return d, err
}

func (o *Orchestrator) update(ctx context.Context, row storage.Document, ev fsm.Event, edit func(tx *storage.Tx, d *storage.Document) error, entries ...storage.TimelineEntry) (storage.Document, error) {
	return o.store.Update(ctx, row.Type, row.ID, func(tx *storage.Tx, d *storage.Document) error {
		if d.Version != row.Version {
			return fmt.Errorf("%s %s changed during the run: %w", row.Type, row.ID, storage.ErrConflict)
		}
		from := fsm.State(d.State)
		if from == "" {
			from = fsm.New
		}
		flow := o.flowFor(row.Type)
		to, err := flow.Fire(from, ev)
		if err != nil {
			return err
		}
		d.State, d.Flow = string(to), flow.Name()
		if edit != nil {
			if err := edit(tx, d); err != nil {
				return err
			}
		}
		for _, e := range entries {
			e.DocType, e.DocID = row.Type, row.ID
			if e.At.IsZero() {
				e.At = o.cfg.Now()
			}
			if err := tx.AddTimeline(e); err != nil {
				return err
			}
		}
		return tx.AddTimeline(storage.TimelineEntry{DocType: row.Type, DocID: row.ID, At: o.cfg.Now(),
			Kind: "transition", Message: fmt.Sprintf("%s → %s (%s)", from, to, ev)})
	})
}

// writeBack is the one PUT of a transition: status, mini-log lines and, when
// given, positions and posting. It returns the timeline entry describing it.
func (o *Orchestrator) writeBack(ctx context.Context, doc *moysklad.Document, status string, pos *[]moysklad.Position, applicable *bool, lines ...string) (storage.TimelineEntry, error) {
	return o.writeBackUpdate(ctx, doc, status, moysklad.DocumentUpdate{Positions: pos, Applicable: applicable}, lines...)
}

// writeBackUpdate is writeBack with any other fields of upd (custom fields)
// in the same PUT.
func (o *Orchestrator) writeBackUpdate(ctx context.Context, doc *moysklad.Document, status string, upd moysklad.DocumentUpdate, lines ...string) (storage.TimelineEntry, error) {
	pos, applicable := upd.Positions, upd.Applicable
	if doc.StateName() == status && minilog.EndsWith(doc.Description, lines...) {
		// Written by a run that died before recording it: writing again
		// would only repeat the lines.
		return storage.TimelineEntry{Kind: "recovered",
			Message: fmt.Sprintf("МойСклад: статус «%s» и строка уже записаны прерванным запуском — не повторяю", status)}, nil
	}
	st, err := o.state(ctx, doc.Type(), status)
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
	if pos != nil {
		msg += fmt.Sprintf(", %s", positions(len(*pos)))
	}
	if applicable != nil && *applicable {
		msg += ", проведён"
	}
	for _, a := range upd.Attributes {
		msg += fmt.Sprintf(", доп. поле = %v", a.Value)
	}
	detail := ""
	for _, l := range stamped {
		detail += l + "\n"
	}
	if dropped > 0 {
		detail += fmt.Sprintf("(из комментария убрано старых строк: %d)\n", dropped)
	}
	return storage.TimelineEntry{Kind: "writeback", Message: msg, Detail: detail}, nil
}

// refuseSubmit answers a submit command the flow does not allow (the
// document is already with the warehouse): the status goes back to what it
// was, with the reason for staff.
func (o *Orchestrator) refuseSubmit(ctx context.Context, doc *moysklad.Document, row storage.Document, wh *Warehouse) error {
	back := map[fsm.State]string{
		fsm.Submitted: o.cfg.Statuses.Submitted,
		fsm.Receiving: o.cfg.Statuses.Receiving,
		fsm.Received:  o.cfg.Statuses.Received,
	}[fsm.State(row.State)]
	line := fmt.Sprintf("Повторная передача не выполнена: документ уже передан на склад %s (задание %s)", wh.Name, row.IndocID)
	if back == "" {
		back = o.cfg.Statuses.SubmitFailed
		line = "Передача не выполнена: документ в обработке, повторите позже"
	}
	return o.refuse(ctx, doc, row, fsm.Submit, back, line)
}

// refuseCancel answers a cancel command the flow does not allow: the goods
// are already received, or nothing was ever sent.
func (o *Orchestrator) refuseCancel(ctx context.Context, doc *moysklad.Document, row storage.Document, wh *Warehouse) error {
	var line string
	switch fsm.State(row.State) {
	case fsm.New:
		line = "Отменять нечего: документ не передавался на склад"
	case fsm.Cancelled:
		line = "Документ уже отменён"
	default:
		line = fmt.Sprintf("Отмена не выполнена: склад %s уже принимает или принял товар по заданию %s", wh.Name, row.IndocID)
	}
	return o.refuse(ctx, doc, row, fsm.Cancel, o.cfg.Statuses.CancelFailed, line)
}

// refuse answers a command the flow does not allow: the status staff see
// instead, the reason in the mini-log, the refusal in the timeline.
func (o *Orchestrator) refuse(ctx context.Context, doc *moysklad.Document, row storage.Document, ev fsm.Event, status, line string) error {
	_, terr := o.flowFor(row.Type).Fire(fsm.State(row.State), ev)
	entry, err := o.writeBack(ctx, doc, status, nil, nil, line)
	if err != nil {
		return err
	}
	return o.note(ctx, row, storage.TimelineEntry{Kind: "refused", Message: terr.Error()}, entry)
}

// fail writes an error status with its line and takes the flow's failure
// event; edit, when given, changes the row in the same transaction.
func (o *Orchestrator) fail(ctx context.Context, doc *moysklad.Document, row storage.Document, ev fsm.Event, status, line string,
	cause error, edit func(*storage.Document), entries ...storage.TimelineEntry) error {
	entry, err := o.writeBack(ctx, doc, status, nil, nil, line)
	if err != nil {
		return err
	}
	entries = append(entries, storage.TimelineEntry{Kind: "error", Message: cause.Error()}, entry)
	_, err = o.transition(ctx, row, ev, func(_ *storage.Tx, d *storage.Document) error {
		d.LastError = line
		if edit != nil {
			edit(d)
		}
		return nil
	}, entries...)
	return err
}

// note adds timeline entries outside a transition.
func (o *Orchestrator) note(ctx context.Context, row storage.Document, entries ...storage.TimelineEntry) error {
	for _, e := range entries {
		e.DocType, e.DocID = row.Type, row.ID
		if e.At.IsZero() {
			e.At = o.cfg.Now()
		}
		if err := o.store.AddTimeline(ctx, e); err != nil {
			return err
		}
	}
	return nil
}
