package returns

import (
	"context"
	"errors"
	"fmt"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

// revert undoes a return the warehouse asked to unlock for a correction
// (unlock_request, fbox.md §8), share by share, each once: what the share
// created is deleted; the order and its demand are back at what the other
// returns still applied say («Частичный возврат»), or at their statuses
// before the first return when none is left. Then the document is
// unlocked; its replacement is applied as a new document.
func (f *Flow) revert(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc) error {
	parts, err := f.o.Store().OutdocParts(ctx, wh.Name, od.OutdocID)
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range parts {
		if p.Status != storage.PartApplied && p.Status != storage.PartFailed {
			continue
		}
		if err := f.revertPart(ctx, wh, od, p); err != nil {
			errs = append(errs, fmt.Errorf("return %s: %w", p.Key, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return f.cfg.Feed.Undone(ctx, wh, od)
}

// revertPart undoes one share: under the order's lease when it was
// applied to an order.
func (f *Flow) revertPart(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, p storage.OutdocPart) error {
	if p.DocType != moysklad.TypeCustomerOrder {
		return f.revertUnlinked(ctx, wh, od, p)
	}
	return f.o.WithDocument(ctx, p.DocType, p.DocID, func() error {
		p, err := f.o.Store().OutdocPart(ctx, wh.Name, od.OutdocID, p.Key)
		if err != nil || p.Status != storage.PartApplied && p.Status != storage.PartFailed {
			return err // reverted meanwhile
		}
		return f.revertLinked(ctx, wh, od, p)
	})
}

// deleteDocs deletes what a share created; a document already gone is
// not an error (moysklad.Client.DeleteDocument).
func (f *Flow) deleteDocs(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, rec record) error {
	for _, d := range rec.Docs {
		if err := f.cfg.Documents.DeleteDocument(ctx, d.Type, d.ID); err != nil {
			return f.waitClosed(ctx, wh, od, fmt.Errorf("delete %s %s: %w", d.Type, d.Name, err))
		}
	}
	return nil
}

func (f *Flow) revertUnlinked(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, p storage.OutdocPart) error {
	rec, _ := recordOf(p)
	if err := f.deleteDocs(ctx, wh, od, rec); err != nil {
		return err
	}
	p.Status = storage.PartReverted
	if err := f.o.Store().PutOutdocPart(ctx, p); err != nil {
		return err
	}
	msg := fmt.Sprintf("склад %s отозвал документ возврата %d для исправления %s", wh.Name, od.OutdocID, minilog.RevertMark(od.OutdocID))
	if len(rec.Docs) > 0 {
		msg += ": удалены " + names(rec.Docs)
	}
	return f.o.Note(ctx, timelineOf(wh, od, p), storage.TimelineEntry{Kind: storage.KindEvent, Message: msg})
}

func (f *Flow) revertLinked(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, p storage.OutdocPart) error {
	store, ms := f.o.Store(), f.o.MoySklad()
	rec, _ := recordOf(p)
	if err := f.deleteDocs(ctx, wh, od, rec); err != nil {
		return err
	}
	was := p.Status
	p.Status = storage.PartReverted
	row, err := store.Document(ctx, p.DocType, p.DocID)
	if err != nil {
		return err
	}
	doc, err := ms.GetDocument(ctx, p.DocType, p.DocID, "state")
	if errors.Is(err, moysklad.ErrNotFound) || err == nil && was == storage.PartFailed {
		// Nothing was written to the order (or it is gone): only the
		// documents go.
		return store.PutOutdocPart(ctx, p)
	}
	if err != nil {
		return fmt.Errorf("get %s %s: %w", p.DocType, p.DocID, err)
	}
	r, err := f.o.NewRun(ctx, doc, row)
	if err != nil {
		return err
	}
	h, _, err := f.historyOf(ctx, rec.OrderID, od.OutdocID)
	if err != nil {
		return err
	}
	ev, status, demandStatus := fsm.Return, f.cfg.Statuses.ReturnedPartly, f.cfg.Statuses.ReturnedPartly
	switch {
	case h.Returns == 0:
		ev, status, demandStatus = fsm.ReturnUndone, rec.OrderStatus, rec.DemandStatus
		if status == "" {
			status = f.cfg.Statuses.Shipped
		}
	case complete(h.Shipped, h.Counted):
		status, demandStatus = f.cfg.Statuses.Returned, f.cfg.Statuses.Returned
	}
	line := fmt.Sprintf("Склад %s отозвал документ возврата %d для исправления %s: удалены %s", wh.Name, od.OutdocID,
		minilog.RevertMark(od.OutdocID), names(rec.Docs))
	if h.Returns > 0 {
		line += fmt.Sprintf("; остаются другие возвраты по заказу (%d)", h.Returns)
	}
	record := func(tx *storage.Tx, _ *storage.Document) error { return tx.PutOutdocPart(p) }
	call := storage.TimelineEntry{Kind: storage.KindCall, Message: "МойСклад: удалены " + names(rec.Docs)}
	if !fsm.Orders().Can(r.State(), ev) {
		// The order moved on: only the documents are undone.
		if err := store.PutOutdocPart(ctx, p); err != nil {
			return err
		}
		return r.Note(ctx, call)
	}
	entries := []storage.TimelineEntry{call}
	if rec.DemandID != "" {
		demand, err := ms.GetDocument(ctx, moysklad.TypeDemand, rec.DemandID, "state")
		switch {
		case errors.Is(err, moysklad.ErrNotFound):
		case err != nil:
			return fmt.Errorf("get demand %s: %w", rec.DemandName, err)
		default:
			e, err := f.writeDemand(ctx, demand, demandStatus, line)
			if err != nil {
				return err
			}
			entries = append(entries, e)
		}
	}
	entry, err := r.WriteBack(ctx, status, moysklad.DocumentUpdate{}, line)
	if err != nil {
		return err
	}
	return r.Transition(ctx, ev, record, append(entries, entry)...)
}
