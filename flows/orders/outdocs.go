package orders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/skladflow/skladflow/minilog"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// ApplyOutdoc applies one warehouse order document to every order it
// names, each exactly once (a storage.OutdocPart per order), and marks it
// imported only when all are applied. Orders skladflow did not send are
// recorded as skipped. A share whose event the table does not allow in the
// order's state (a deficit after picking started) is skipped with a
// timeline note: the optional documents may come late or out of order.
func (f *Flow) ApplyOutdoc(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc) error {
	if od.Status == storage.OutdocRevert {
		return f.revert(ctx, wh, od)
	}
	body, err := f.cfg.Feed.Body(ctx, wh, &od)
	if err != nil {
		return err
	}
	var errs []error
	each := func(key string, apply applyFunc) {
		if err := f.share(ctx, wh, od, key, apply); err != nil {
			errs = append(errs, fmt.Errorf("order %s: %w", key, err))
		}
	}
	switch od.Type {
	case fulfillment.OutdocOrdersProductionStart:
		d, err := fulfillment.ParseOrdersProductionStart(body)
		if err != nil {
			return fmt.Errorf("%w: %w", err, orchestrator.ErrFinal)
		}
		for _, id := range d.OrderIDs {
			each(id, f.productionStart(wh, od))
		}
	case fulfillment.OutdocOrdersDeficit:
		d, err := fulfillment.ParseOrdersDeficit(body)
		if err != nil {
			return fmt.Errorf("%w: %w", err, orchestrator.ErrFinal)
		}
		for _, o := range d.Orders {
			each(o.OrderID, f.deficit(wh, od, o))
		}
	case fulfillment.OutdocOrdersCancel:
		d, err := fulfillment.ParseOrdersCancel(body)
		if err != nil {
			return fmt.Errorf("%w: %w", err, orchestrator.ErrFinal)
		}
		for _, o := range d.Orders {
			each(o.OrderID, f.orderCancelled(wh, od, o))
		}
	case fulfillment.OutdocOrdersShipment:
		d, err := fulfillment.ParseOrdersShipment(body)
		if err != nil {
			return fmt.Errorf("%w: %w", err, orchestrator.ErrFinal)
		}
		for _, o := range d.Orders {
			each(o.OrderID, f.shipped(wh, od, d, o))
		}
	case fulfillment.OutdocOrdersShipmentRefusal:
		d, err := fulfillment.ParseOrdersShipmentRefusal(body)
		if err != nil {
			return fmt.Errorf("%w: %w", err, orchestrator.ErrFinal)
		}
		for _, o := range d.Orders {
			each(o.OrderID, f.refused(wh, od, d, o))
		}
	default:
		return fmt.Errorf("outdoc %d: %s is not an order document: %w", od.OutdocID, od.Type, orchestrator.ErrFinal)
	}
	// The others are applied: only the failed shares are tried again.
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return f.cfg.Feed.Done(ctx, wh, od)
}

// applyFunc applies one order's share on a run over the current order; it
// records part (PartApplied) in its transition, or calls skip.
type applyFunc func(ctx context.Context, r *orchestrator.Run, part storage.OutdocPart) error

// share applies the share of the order key under the order's lease,
// unless it was applied before.
func (f *Flow) share(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, key string, apply applyFunc) error {
	store := f.o.Store()
	if done, err := partDone(ctx, store, wh, od, key); done || err != nil {
		return err
	}
	part := storage.OutdocPart{Warehouse: wh.Name, OutdocID: od.OutdocID, Key: key, Status: storage.PartApplied}
	row, err := store.DocumentByIndoc(ctx, key)
	if errors.Is(err, storage.ErrNotFound) || err == nil && row.Flow != fsm.Orders().Name() {
		// Not ours: another system's order, or an order sent before a
		// cancellation gave it a new number.
		part.Status = storage.PartSkipped
		return store.PutOutdocPart(ctx, part)
	}
	if err != nil {
		return err
	}
	return f.o.WithDocument(ctx, row.Type, row.ID, func() error {
		// Read again under the lease: another job may have moved both on.
		if done, err := partDone(ctx, store, wh, od, key); done || err != nil {
			return err
		}
		row, err := store.Document(ctx, row.Type, row.ID)
		if err != nil {
			return err
		}
		doc, err := f.o.MoySklad().GetDocument(ctx, row.Type, row.ID, f.Expand()...)
		if errors.Is(err, moysklad.ErrNotFound) {
			// Staff deleted the order in MoySklad: nothing to write to.
			f.o.Logger().Warn("warehouse document about a deleted order", "warehouse", wh.Name, "outdoc", od.OutdocID, "order", key)
			part.Status, part.DocType, part.DocID = storage.PartSkipped, row.Type, row.ID
			return store.PutOutdocPart(ctx, part)
		}
		if err != nil {
			return fmt.Errorf("get %s %s: %w", row.Type, row.ID, err)
		}
		r, err := f.o.NewRun(ctx, doc, row)
		if err != nil {
			return err
		}
		part.DocType, part.DocID = row.Type, row.ID
		if row.IndocID != key {
			return f.skip(ctx, r, part, fmt.Sprintf("документ склада %d о заказе %s: заказ передан заново под номером %s, пропускаю", od.OutdocID, key, row.IndocID))
		}
		return apply(ctx, r, part)
	})
}

func partDone(ctx context.Context, store *storage.Store, wh *feed.Warehouse, od storage.Outdoc, key string) (bool, error) {
	_, err := store.OutdocPart(ctx, wh.Name, od.OutdocID, key)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// skip records a share that changes nothing, with why in the timeline.
func (f *Flow) skip(ctx context.Context, r *orchestrator.Run, part storage.OutdocPart, why string) error {
	part.Status = storage.PartSkipped
	if err := f.o.Store().PutOutdocPart(ctx, part); err != nil {
		return err
	}
	return r.Note(ctx, storage.TimelineEntry{Kind: storage.KindEvent, Message: why})
}

// advance writes the order's status and line (and upd) and takes the
// event, recording the share in the same transaction.
func (f *Flow) advance(ctx context.Context, r *orchestrator.Run, part storage.OutdocPart, ev fsm.Event, status string, upd moysklad.DocumentUpdate,
	change any, edit func(d *storage.Document), line string, entries ...storage.TimelineEntry) error {
	if change != nil {
		b, err := json.Marshal(change)
		if err != nil {
			return err
		}
		part.Change = b
	}
	entry, err := r.WriteBack(ctx, status, upd, line)
	if err != nil {
		return err
	}
	return r.Transition(ctx, ev, func(tx *storage.Tx, d *storage.Document) error {
		if edit != nil {
			edit(d)
		}
		return tx.PutOutdocPart(part)
	}, append(entries, entry)...)
}

// stale skips a share the order's state does not take.
func (f *Flow) stale(ctx context.Context, r *orchestrator.Run, part storage.OutdocPart, od storage.Outdoc) error {
	return f.skip(ctx, r, part, fmt.Sprintf("документ склада %d (%s) о заказе %s пришёл, когда заказ уже в состоянии %s: ничего не меняю",
		od.OutdocID, od.Type, part.Key, r.State()))
}

// productionStart: the warehouse took the order into picking.
func (f *Flow) productionStart(wh *feed.Warehouse, od storage.Outdoc) applyFunc {
	return func(ctx context.Context, r *orchestrator.Run, part storage.OutdocPart) error {
		if r.State() == fsm.Picking || !fsm.Orders().Can(r.State(), fsm.ProductionStart) {
			return f.stale(ctx, r, part, od)
		}
		line := fmt.Sprintf("Склад %s начал сборку заказа %s %s", wh.Name, part.Key, minilog.OutdocMark(od.OutdocID))
		return f.advance(ctx, r, part, fsm.ProductionStart, f.cfg.Statuses.Picking, moysklad.DocumentUpdate{}, nil,
			func(d *storage.Document) { d.LastError = "" }, line)
	}
}

// deficit: the warehouse lacks goods; it retries by itself every few
// minutes, so a deficit that says what the last one said is recorded
// without writing the same line again.
func (f *Flow) deficit(wh *feed.Warehouse, od storage.Outdoc, o fulfillment.DeficitOrder) applyFunc {
	return func(ctx context.Context, r *orchestrator.Run, part storage.OutdocPart) error {
		if !fsm.Orders().Can(r.State(), fsm.DeficitFound) {
			return f.stale(ctx, r, part, od)
		}
		goods, err := f.goods(ctx, wh, r.Doc)
		if err != nil {
			return err
		}
		missing := deficitText(o, goods)
		if r.State() == fsm.Deficit && r.Row.LastError == missing {
			part.Change = []byte(`{"repeated":true}`)
			return r.Transition(ctx, fsm.DeficitFound, func(tx *storage.Tx, _ *storage.Document) error { return tx.PutOutdocPart(part) },
				storage.TimelineEntry{Kind: storage.KindEvent, Message: fmt.Sprintf("склад %s снова не собрал заказ %s %s: %s", wh.Name, part.Key, minilog.OutdocMark(od.OutdocID), missing)})
		}
		line := fmt.Sprintf("Нет товара на складе %s для заказа %s %s: %s; склад соберёт заказ сам, когда товар поступит", wh.Name, part.Key, minilog.OutdocMark(od.OutdocID), missing)
		return f.advance(ctx, r, part, fsm.DeficitFound, f.cfg.Statuses.Deficit, moysklad.DocumentUpdate{}, nil,
			func(d *storage.Document) { d.LastError = missing }, line)
	}
}

// deficitText names the missing goods and quantities.
func deficitText(o fulfillment.DeficitOrder, goods map[string]good) string {
	names := map[string]string{}
	for _, g := range goods {
		names[g.ID] = g.Name
	}
	var parts []string
	for _, g := range o.Goods {
		s := fmt.Sprintf("%s «%s» не хватает %d шт.", g.GoodID, names[g.GoodID], g.Qnt)
		if names[g.GoodID] == "" {
			s = fmt.Sprintf("%s не хватает %d шт.", g.GoodID, g.Qnt)
		}
		if g.ErrorDescrip != "" {
			s += fmt.Sprintf(" (%d: %s)", g.ErrorCode, g.ErrorDescrip)
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%d: %s", o.ErrorCode, o.ErrorDescrip)
	}
	return strings.Join(parts, "; ")
}

// orderCancelled: the warehouse cancelled the order — as we asked
// («Отменён»), or because the delivery service refused it («Ошибка
// передачи» with its reason; staff fix it and send it again).
func (f *Flow) orderCancelled(wh *feed.Warehouse, od storage.Outdoc, o fulfillment.CancelledOrder) applyFunc {
	return func(ctx context.Context, r *orchestrator.Run, part storage.OutdocPart) error {
		switch {
		case r.State() == fsm.Cancelling:
			return f.advance(ctx, r, part, fsm.CancelOK, f.cfg.Statuses.Cancelled, moysklad.DocumentUpdate{}, nil,
				func(d *storage.Document) { d.Attempt, d.LastError = max(d.Attempt, 1)+1, "" },
				fmt.Sprintf("Отменён: склад %s снял заказ %s со сборки %s", wh.Name, part.Key, minilog.OutdocMark(od.OutdocID)))
		case fsm.Orders().Can(r.State(), fsm.Dropped):
			line := fmt.Sprintf("Не передан: склад %s аннулировал заказ %s %s, служба доставки отказала: %s; исправьте заказ и передайте снова",
				wh.Name, part.Key, minilog.OutdocMark(od.OutdocID), cancelReason(o))
			return f.advance(ctx, r, part, fsm.Dropped, f.cfg.Statuses.SubmitFailed, moysklad.DocumentUpdate{}, nil,
				func(d *storage.Document) { d.Attempt, d.LastError = max(d.Attempt, 1)+1, line }, line)
		}
		return f.stale(ctx, r, part, od)
	}
}

func cancelReason(o fulfillment.CancelledOrder) string {
	s := fmt.Sprintf("%d: %s", o.CancelReason, o.CancelReasonDescrip)
	for _, g := range o.Goods {
		s += fmt.Sprintf("; %s %d шт. — %d: %s", g.GoodID, g.Qnt, g.CancelReason, g.CancelReasonDescrip)
	}
	return s
}
