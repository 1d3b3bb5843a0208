package shipment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// OutdocTypes are the warehouse documents of a shipment task.
func (f *Flow) OutdocTypes() []string {
	return []string{fulfillment.OutdocShipmentStart, fulfillment.OutdocShipmentReady, fulfillment.OutdocShipment}
}

// ApplyOutdoc applies one shipment document to the MoySklad document whose
// task it names, under that document's lease, and then tells the feed it
// is done. Each (outdoc, document) share is recorded once (an outdoc part
// keyed by the task number), so a duplicate or repeated job changes
// nothing; a revert undoes exactly what the part recorded.
func (f *Flow) ApplyOutdoc(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc) error {
	body, err := f.cfg.Feed.Body(ctx, wh, &od)
	if err != nil {
		return err
	}
	if od.IndocID == "" {
		od.IndocID = commonOf(body).IndocID
	}
	store := f.o.Store()
	row, err := store.DocumentByIndoc(ctx, od.IndocID)
	if errors.Is(err, storage.ErrNotFound) {
		// Not ours (another system's task, or made by hand at the
		// warehouse): left unlocked for whoever owns it.
		f.o.Logger().Warn("shipment document for an unknown task", "warehouse", wh.Name, "outdoc", od.OutdocID, "indoc", od.IndocID)
		return store.UpdateOutdoc(ctx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
			x.Status, x.Error = storage.OutdocFailed, "задание на отгрузку "+od.IndocID+" неизвестно skladflow"
			return nil
		})
	}
	if err != nil {
		return err
	}
	return f.o.WithDocument(ctx, row.Type, row.ID, func() error { return f.applyLocked(ctx, wh, od.OutdocID, body) })
}

// applyLocked applies a document while holding the lease: everything is
// read again under it.
func (f *Flow) applyLocked(ctx context.Context, wh *feed.Warehouse, outdocID int64, body []byte) error {
	store := f.o.Store()
	od, err := store.Outdoc(ctx, wh.Name, outdocID)
	if err != nil {
		return err
	}
	if od.IndocID == "" {
		od.IndocID = commonOf(body).IndocID
	}
	switch od.Status {
	case storage.OutdocLocked, storage.OutdocFailed, storage.OutdocUndone, storage.OutdocDeleted:
		return nil
	case storage.OutdocApplied:
		return f.cfg.Feed.Done(ctx, wh, od)
	}
	row, err := store.DocumentByIndoc(ctx, od.IndocID)
	if err != nil {
		return err
	}
	doc, err := f.o.MoySklad().GetDocument(ctx, row.Type, row.ID, f.Expand()...)
	if err != nil {
		return fmt.Errorf("get %s %s: %w", row.Type, row.ID, err)
	}
	if row.Flow != "" && row.Flow != f.Table().Name() {
		// Handed on (a move received by the next warehouse): what this
		// document would change belongs to a flow the move has left.
		why := fmt.Sprintf("документ уже передан потоку %s; документ склада %d (%s) по заданию %s не применён — разберите вручную",
			row.Flow, od.OutdocID, od.Type, od.IndocID)
		if err := f.o.Note(ctx, row, storage.TimelineEntry{Kind: storage.KindError, Message: fmt.Sprintf("склад %s: %s", wh.Name, why)}); err != nil {
			return err
		}
		return store.UpdateOutdoc(ctx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
			x.Status, x.Error = storage.OutdocFailed, why
			return nil
		})
	}
	r, err := f.o.NewRun(ctx, doc, row)
	if err != nil {
		return err
	}
	if od.Status == storage.OutdocRevert {
		return f.revert(ctx, r, wh, od)
	}
	part, err := store.OutdocPart(ctx, wh.Name, od.OutdocID, od.IndocID)
	switch {
	case err == nil:
		// Applied (or skipped) before; only the feed's bookkeeping is left.
		return f.done(ctx, r, wh, od, part.Status)
	case !errors.Is(err, storage.ErrNotFound):
		return err
	}
	switch od.Type {
	case fulfillment.OutdocShipmentStart:
		return f.applyStart(ctx, r, wh, od)
	case fulfillment.OutdocShipmentReady:
		ready, err := fulfillment.ParseGoodsShipmentReady(body)
		if err != nil {
			return fmt.Errorf("outdoc %d: %w: %w", od.OutdocID, err, orchestrator.ErrFinal)
		}
		return f.applyReady(ctx, r, wh, od, ready)
	}
	shipped, err := fulfillment.ParseGoodsShipment(body)
	if err != nil {
		return fmt.Errorf("outdoc %d: %w: %w", od.OutdocID, err, orchestrator.ErrFinal)
	}
	return f.applyShipment(ctx, r, wh, od, shipped)
}

// applyStart: the warehouse began picking: «Собирается». A start that
// comes after the goods were picked or shipped is late (the optional
// documents may come out of order) and changes nothing.
func (f *Flow) applyStart(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc) error {
	if !fsm.Shipment().Can(r.State(), fsm.ShipmentStart) {
		return f.skip(ctx, r, wh, od, "начало подбора пришло позже: документ уже дальше")
	}
	line := fmt.Sprintf("Собирается на складе %s: начат подбор по заданию %s %s", wh.Name, od.IndocID, minilog.OutdocMark(od.OutdocID))
	entry, err := r.Say(ctx, f.cfg.Statuses.Picking, line)
	if err != nil {
		return err
	}
	return f.record(ctx, r, wh, od, fsm.ShipmentStart, storage.PartApplied, nil, entry)
}

// applyReady: the warehouse picked and boxed the goods: «Собран», with
// what it could not find. Positions change only when the goods leave.
func (f *Flow) applyReady(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc, ready *fulfillment.GoodsShipmentReady) error {
	if !fsm.Shipment().Can(r.State(), fsm.ShipmentReady) {
		return f.skip(ctx, r, wh, od, "сообщение о подборе пришло позже отгрузки")
	}
	planned, err := f.planned(ctx, wh, r)
	if err != nil {
		return err
	}
	got := ready.Totals()
	line := fmt.Sprintf("Собран на складе %s %s: подобрано %d из %d шт.", wh.Name, minilog.OutdocMark(od.OutdocID), sum(got), sum(planned))
	if short := shortGoods(planned, got); len(short) > 0 {
		line += "; не хватило: " + short
	} else {
		line += ", без расхождений"
	}
	entry, err := r.Say(ctx, f.cfg.Statuses.Picked, line)
	if err != nil {
		return err
	}
	return f.record(ctx, r, wh, od, fsm.ShipmentReady, storage.PartApplied, nil, entry)
}

// skip records a document that changes nothing, so it is marked imported
// and not applied again.
func (f *Flow) skip(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc, why string) error {
	if err := f.o.Store().PutOutdocPart(ctx, f.part(wh, od, r, storage.PartSkipped, nil)); err != nil {
		return err
	}
	if err := r.Note(ctx, storage.TimelineEntry{Kind: storage.KindEvent,
		Message: fmt.Sprintf("склад %s: документ %d (%s) по заданию %s не применён: %s", wh.Name, od.OutdocID, od.Type, od.IndocID, why)}); err != nil {
		return err
	}
	return f.done(ctx, r, wh, od, storage.PartSkipped)
}

// record saves the flow event, the document's part and its fate in one
// transaction, then tells the feed the document is done.
func (f *Flow) record(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc, ev fsm.Event, status string, change []byte, entries ...storage.TimelineEntry) error {
	entries = append([]storage.TimelineEntry{{Kind: storage.KindEvent,
		Message: fmt.Sprintf("склад %s: документ %d (%s) по заданию %s", wh.Name, od.OutdocID, od.Type, od.IndocID)}}, entries...)
	err := r.Transition(ctx, ev, func(tx *storage.Tx, d *storage.Document) error {
		d.LastError = ""
		if err := tx.PutOutdocPart(f.part(wh, od, r, status, change)); err != nil {
			return err
		}
		return f.o.Store().UpdateOutdocTx(tx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
			x.Status, x.Error = storage.OutdocApplied, ""
			return nil
		})
	}, entries...)
	if err != nil {
		return err
	}
	od.Status = storage.OutdocApplied
	return f.done(ctx, r, wh, od, status)
}

// done hands a document whose part is recorded back to the feed.
func (f *Flow) done(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc, part string) error {
	if err := f.cfg.Feed.Done(ctx, wh, od); err != nil {
		return err
	}
	if wh.Shared {
		return nil
	}
	return r.Note(ctx, storage.TimelineEntry{Kind: storage.KindCall,
		Message: fmt.Sprintf("FBox POST /outdocs/lock %d: документ отмечен принятым (%s)", od.OutdocID, part)})
}

func (f *Flow) part(wh *feed.Warehouse, od storage.Outdoc, r *orchestrator.Run, status string, change []byte) storage.OutdocPart {
	return storage.OutdocPart{Warehouse: wh.Name, OutdocID: od.OutdocID, Key: od.IndocID, DocType: r.Row.Type, DocID: r.Row.ID,
		Status: status, Change: change}
}

// planned is the task as the warehouse holds it; the document may have
// changed since it was sent.
func (f *Flow) planned(ctx context.Context, wh *feed.Warehouse, r *orchestrator.Run) (map[string]int64, error) {
	t, err := wh.API.GetShipmentTask(ctx, r.Row.IndocID)
	if err != nil {
		return nil, fmt.Errorf("read task %s: %w", r.Row.IndocID, err)
	}
	return t.Planned(), nil
}

// commonOf reads the common part of any outdoc body.
func commonOf(body []byte) fulfillment.OutdocCommon {
	var b struct {
		Common fulfillment.OutdocCommon `json:"common"`
	}
	_ = json.Unmarshal(body, &b)
	return b.Common
}
