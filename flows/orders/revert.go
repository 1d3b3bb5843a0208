package orders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

// revert undoes an order document the warehouse asked to unlock for a
// correction (unlock_request), order by order, each once: a shipment's
// demand is un-posted (or, with a posted return on it, kept for the
// corrected document to set) and its order is back at «Собирается» until
// the corrected document comes; what the other order documents did (a status)
// is left for their replacement to set again. Then the document is
// unlocked so the warehouse can replace it.
func (f *Flow) revert(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc) error {
	parts, err := f.o.Store().OutdocParts(ctx, wh.Name, od.OutdocID)
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range parts {
		if p.Status != storage.PartApplied {
			continue
		}
		if err := f.revertPart(ctx, wh, od, p); err != nil {
			errs = append(errs, fmt.Errorf("order %s: %w", p.Key, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return f.cfg.Feed.Undone(ctx, wh, od)
}

// revertPart undoes one order's share under the order's lease.
func (f *Flow) revertPart(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, p storage.OutdocPart) error {
	store := f.o.Store()
	return f.o.WithDocument(ctx, p.DocType, p.DocID, func() error {
		p, err := store.OutdocPart(ctx, wh.Name, od.OutdocID, p.Key)
		if err != nil || p.Status != storage.PartApplied {
			return err // reverted meanwhile
		}
		row, err := store.Document(ctx, p.DocType, p.DocID)
		if err != nil {
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
		p.Status = storage.PartReverted
		record := func(tx *storage.Tx, _ *storage.Document) error { return tx.PutOutdocPart(p) }
		var was shipment
		if od.Type != fulfillment.OutdocOrdersShipment || json.Unmarshal(p.Change, &was) != nil || was.DemandID == "" {
			if err := store.PutOutdocPart(ctx, p); err != nil {
				return err
			}
			return r.Note(ctx, storage.TimelineEntry{Kind: storage.KindEvent,
				Message: fmt.Sprintf("склад %s отозвал документ %d (%s) для исправления: статус заказа остаётся, его задаст исправленный документ", wh.Name, od.OutdocID, od.Type)})
		}
		no := false
		call := storage.TimelineEntry{Kind: storage.KindCall, Message: fmt.Sprintf("МойСклад: отгрузка %s распроведена", was.DemandName)}
		what := fmt.Sprintf("отгрузка %s распроведена", was.DemandName)
		if _, err := f.o.MoySklad().UpdateDocument(ctx, moysklad.TypeDemand, was.DemandID, moysklad.DocumentUpdate{Applicable: &no}); err != nil {
			var ae *moysklad.APIError
			if !errors.As(err, &ae) || !ae.HasCode(moysklad.CodeHasReturn) {
				return fmt.Errorf("un-post demand %s: %w", was.DemandName, err)
			}
			// A return of the order is posted on it: it stays posted, and
			// the corrected document sets its lines (shipped, keptDemand).
			was.Kept = true
			if p.Change, err = json.Marshal(was); err != nil {
				return err
			}
			call = storage.TimelineEntry{Kind: storage.KindCall, Detail: ae.Error(),
				Message: fmt.Sprintf("МойСклад не распровёл отгрузку %s: по ней проведён возврат (ошибка %d)", was.DemandName, moysklad.CodeHasReturn)}
			what = fmt.Sprintf("отгрузка %s осталась проведённой (по ней проведён возврат), исправленный документ изменит её", was.DemandName)
		}
		line := fmt.Sprintf("Склад %s отозвал документ отгрузки %d для исправления: %s", wh.Name, od.OutdocID, what)
		if !fsm.Orders().Can(r.State(), fsm.Revert) {
			// The order moved on (refused by the carrier, or returned):
			// only the demand is undone, or kept and said so.
			entries := []storage.TimelineEntry{call}
			if was.Kept {
				// Before the part is recorded: a retry finds the line written.
				entry, err := r.Say(ctx, r.Status(), line)
				if err != nil {
					return err
				}
				entries = append(entries, entry)
			}
			if err := store.PutOutdocPart(ctx, p); err != nil {
				return err
			}
			return r.Note(ctx, entries...)
		}
		entry, err := r.Say(ctx, f.cfg.Statuses.Picking, line+", заказ снова на сборке до исправленного документа")
		if err != nil {
			return err
		}
		return r.Transition(ctx, fsm.Revert, record, call, entry)
	})
}
