package inbound

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/skladflow/skladflow/minilog"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// ApplyOutdoc applies one warehouse document (goods_supply) to its MoySklad
// document, then marks it imported at the warehouse. That comes only after
// the MoySklad write succeeded, so a crash in between leaves the document
// unlocked and it is applied again; the write itself is skipped when the
// document already carries it.
func (f *Flow) ApplyOutdoc(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc) error {
	store := f.o.Store()
	whName, outdocID := wh.Name, od.OutdocID
	if done, err := f.outdocDone(ctx, wh, od); done || err != nil {
		return err
	}
	supply, err := f.supplyBody(ctx, wh, &od)
	if err != nil {
		return err
	}
	row, err := store.DocumentByIndoc(ctx, od.IndocID)
	if errors.Is(err, storage.ErrNotFound) {
		// Not ours (another system's task, or made by hand at the warehouse):
		// leave it unlocked for whoever owns it.
		f.o.Logger().Warn("warehouse document for an unknown task", "warehouse", whName, "outdoc", outdocID, "indoc", od.IndocID)
		return store.UpdateOutdoc(ctx, whName, outdocID, func(x *storage.Outdoc) error {
			x.Status, x.Error = storage.OutdocFailed, "задание "+od.IndocID+" неизвестно skladflow"
			return nil
		})
	}
	if err != nil {
		return err
	}
	return f.o.WithDocument(ctx, row.Type, row.ID, func() error {
		return f.applyLocked(ctx, wh, od, supply)
	})
}

// outdocDone finishes an outdoc already dealt with: nothing left to do, or
// only its lock. The receipt itself is applied only when it is not done.
func (f *Flow) outdocDone(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc) (bool, error) {
	switch od.Status {
	case storage.OutdocLocked, storage.OutdocFailed, storage.OutdocUndone:
		return true, nil
	case storage.OutdocApplied:
		return true, f.lock(ctx, wh, od)
	}
	return false, nil
}

// applyLocked applies a receipt while holding the document's lease.
func (f *Flow) applyLocked(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, supply *fulfillment.Supply) error {
	// Read again under the lease: another job may have moved both on.
	store := f.o.Store()
	row, err := store.DocumentByIndoc(ctx, od.IndocID)
	if err != nil {
		return err
	}
	if od, err = store.Outdoc(ctx, wh.Name, od.OutdocID); err != nil {
		return err
	}
	if done, err := f.outdocDone(ctx, wh, od); done || err != nil {
		return err
	}
	doc, err := f.o.MoySklad().GetDocument(ctx, row.Type, row.ID, f.Expand()...)
	if err != nil {
		return fmt.Errorf("get %s %s: %w", row.Type, row.ID, err)
	}
	r, err := f.o.NewRun(ctx, doc, row)
	if err != nil {
		return err
	}
	if od.Status == storage.OutdocRevert {
		return f.revert(ctx, r, wh, od, supply)
	}
	if minilog.Written(doc.Description, wh.Name, minilog.OutdocMark(od.OutdocID)) {
		// Written before a crash: finish the bookkeeping only, as recorded.
		return f.recordApplied(ctx, r, wh, od, supply, storage.TimelineEntry{Kind: storage.KindRecovered,
			Message: "документ склада уже записан в МойСклад, завершаю"})
	}
	// Nothing is written yet: decide how the document applies and record
	// that, with the positions before it and the units it brings, before
	// anything is written. A correction later undoes exactly this record.
	if od, err = f.recordKind(ctx, r, wh, od, supply); err != nil {
		return err
	}
	switch od.Kind {
	case kindLate:
		return f.applyLate(ctx, r, wh, od, supply)
	case kindPart:
		return f.applyPart(ctx, r, wh, od, supply)
	}
	return f.applyFinal(ctx, r, wh, od, supply)
}

// recordKind keeps on the outdoc's row how it is applied and what it
// changes.
func (f *Flow) recordKind(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc, s *fulfillment.Supply) (storage.Outdoc, error) {
	before, err := json.Marshal(forWrite(r.Doc.Rows()))
	if err != nil {
		return od, err
	}
	od.Before, od.Kind = before, classify(s, r.State())
	if err := setChange(&od, change{Units: unitsOf(s, f.cfg.Receipt)}); err != nil {
		return od, err
	}
	return od, f.o.Store().UpdateOutdoc(ctx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
		x.Before, x.Kind, x.Change = od.Before, od.Kind, od.Change
		return nil
	})
}

// supplyBody returns the receipt, fetching and keeping it on first use.
func (f *Flow) supplyBody(ctx context.Context, wh *feed.Warehouse, od *storage.Outdoc) (*fulfillment.Supply, error) {
	var s fulfillment.Supply
	if len(od.Body) > 0 {
		if err := json.Unmarshal(od.Body, &s); err != nil {
			return nil, fmt.Errorf("stored outdoc %d: %w", od.OutdocID, err)
		}
		return &s, nil
	}
	got, err := wh.API.GetSupply(ctx, od.OutdocID)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(got)
	if err != nil {
		return nil, err
	}
	indoc := got.Common.IndocID
	if indoc == "" {
		// Surplus received separately names its task in attribute 624.
		indoc = got.SurplusOf()
	}
	var part *int32
	if n, ok := got.Part(); ok {
		part = &n
	}
	err = f.o.Store().UpdateOutdoc(ctx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
		x.Body, x.IndocID, x.PartNum = body, indoc, part
		return nil
	})
	od.Body, od.IndocID, od.PartNum = body, indoc, part
	return got, err
}

// lock tells the warehouse the document is imported.
func (f *Flow) lock(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc) error {
	if err := f.cfg.Feed.Done(ctx, wh, od); err != nil {
		return err
	}
	if row, err := f.o.Store().DocumentByIndoc(ctx, od.IndocID); err == nil && !wh.Shared {
		return f.o.Note(ctx, row, storage.TimelineEntry{Kind: storage.KindCall, Message: fmt.Sprintf("FBox POST /outdocs/lock %d: документ отмечен принятым", od.OutdocID)})
	}
	return nil
}

// retryReceipt re-queues the failed receipts of a document after staff
// fixed MoySklad and set the submit status again.
func (f *Flow) retryReceipt(ctx context.Context, r *orchestrator.Run) error {
	n, err := f.cfg.Feed.Retry(ctx, r.Row.Warehouse, r.Row.IndocID, fulfillment.OutdocSupply)
	if err != nil {
		return err
	}
	return r.Transition(ctx, fsm.RetryReceipt, nil, storage.TimelineEntry{Kind: storage.KindDecision,
		Message: fmt.Sprintf("статус «%s»: повторяю приёмку (%d док. склада)", r.Status(), n)})
}

func forWrite(rows []moysklad.Position) []moysklad.Position {
	out := make([]moysklad.Position, len(rows))
	for i, p := range rows {
		out[i] = p.ForWrite()
	}
	return out
}
