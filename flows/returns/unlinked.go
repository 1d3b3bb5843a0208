package returns

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

// unlinkedFlag opens the description of a return booked without an order.
const unlinkedFlag = "Возврат без заказа: проверьте покупателя и цены."

// unlinked books a return that matches no order skladflow shipped (a
// client return the warehouse could not tie to an order, an order shipped
// before skladflow, one staff deleted) as a posted salesreturn without a
// demand for the configured counterparty, prices 0, flagged for staff.
// Without a counterparty it is recorded failed with an alert: not booked.
func (f *Flow) unlinked(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, o fulfillment.ReturnedOrder, key string) error {
	part := storage.OutdocPart{Warehouse: wh.Name, OutdocID: od.OutdocID, Key: key, Status: storage.PartApplied}
	rec := record{Kind: kinds[od.Type].key, OrderID: o.OrderID, Barcode: o.ReturnBarcode, Parcel: o.ParcelBarcode,
		Unlinked: true, Counterparty: f.cfg.Returns.Counterparty}
	b := book(wh.Placement, o.Goods, nil)
	rec.Counted = b.Counted
	rec.NoCounterparty = true
	if f.cfg.Returns.Counterparty == "" {
		return f.failUnlinked(ctx, wh, od, o, part, rec, "не задан покупатель для возвратов без заказа (returns.counterparty)")
	}
	cp, err := f.counterparty(ctx)
	if err != nil {
		return err
	}
	if cp == nil {
		return f.failUnlinked(ctx, wh, od, o, part, rec, fmt.Sprintf("покупатель «%s» (returns.counterparty) не найден в МоёмСкладе или не однозначен", f.cfg.Returns.Counterparty))
	}
	rec.NoCounterparty = false
	if err := f.bookUnlinked(ctx, wh, od, o, key, b, cp, &rec); err != nil {
		if refusal(err) {
			return f.failUnlinked(ctx, wh, od, o, part, rec, "МойСклад отказал: "+minilog.Cause(err))
		}
		return f.waitClosed(ctx, wh, od, err)
	}
	if len(rec.Docs) > 0 {
		part.DocType, part.DocID = rec.Docs[0].Type, rec.Docs[0].ID
	}
	part.Change = rec.bytes()
	if err := f.o.Store().PutOutdocPart(ctx, part); err != nil {
		return err
	}
	msg := fmt.Sprintf("склад %s %s: %s не связан с заказом, отгруженным skladflow — оформлен на покупателя «%s»: %s",
		wh.Name, minilog.OutdocMark(od.OutdocID), what(od.Type, o), f.cfg.Returns.Counterparty, join(names(rec.Docs), unitsText(b)))
	f.o.Logger().Info("unlinked return booked", "warehouse", wh.Name, "outdoc", od.OutdocID, "key", key, "docs", names(rec.Docs))
	entries := []storage.TimelineEntry{{Kind: storage.KindEvent, Message: msg}}
	if len(rec.Unknown) > 0 {
		entries = append(entries, storage.TimelineEntry{Kind: storage.KindError, Message: "товары склада не найдены в МоёмСкладе, не учтены: " + join(rec.Unknown...)})
	}
	return f.o.Note(ctx, timelineOf(wh, od, part), entries...)
}

// bookUnlinked creates a salesreturn per store that books units.
func (f *Flow) bookUnlinked(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, o fulfillment.ReturnedOrder, key string,
	b booking, cp *moysklad.Document, rec *record) error {
	for _, store := range stores(b.Returned) {
		rows, err := f.extraRows(ctx, wh, b.Returned[store], rec)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			continue
		}
		tmpl, err := f.cfg.Documents.Template(ctx, moysklad.TypeSalesReturn, nil)
		if err != nil {
			return fmt.Errorf("salesreturn template: %w", err)
		}
		tmpl.Agent = &moysklad.Counterparty{Meta: cp.Meta}
		tmpl.Store, tmpl.Positions = refLike(cp.Meta, "store", store), &moysklad.Positions{Rows: rows}
		desc := fmt.Sprintf("%s Склад %s %s: %s", unlinkedFlag, wh.Name, minilog.OutdocMark(od.OutdocID), what(od.Type, o))
		tmpl.Description = join(desc, reason(o), unitsText(b), unknownText(*rec))
		c, err := f.create(ctx, moysklad.TypeSalesReturn, tmpl, store, syncID(wh, od, key, store))
		if err != nil {
			return err
		}
		rec.Docs = append(rec.Docs, c)
	}
	return nil
}

// failUnlinked records an unlinked return that is not booked, with an
// alert naming its barcode: staff book it by hand, or configure the
// counterparty, and Reconcile books it.
func (f *Flow) failUnlinked(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, o fulfillment.ReturnedOrder, part storage.OutdocPart, rec record, why string) error {
	rec.Error = why
	part.Status, part.Change = storage.PartFailed, rec.bytes()
	if len(rec.Docs) > 0 {
		part.DocType, part.DocID = rec.Docs[0].Type, rec.Docs[0].ID
	}
	if err := f.o.Store().PutOutdocPart(ctx, part); err != nil {
		return err
	}
	text := fmt.Sprintf("Склад %s %s: %s не связан с заказом, отгруженным skladflow, и не оформлен в МоёмСкладе: %s. Остаток МоегоСклада расходится со складом на %s.",
		wh.Name, minilog.OutdocMark(od.OutdocID), what(od.Type, o), why, goodsText(rec.Counted))
	f.alert(ctx, fmt.Sprintf("returns:unlinked:%s:%d:%s", wh.Name, od.OutdocID, part.Key), text)
	return f.o.Note(ctx, timelineOf(wh, od, part), storage.TimelineEntry{Kind: storage.KindError, Message: text})
}

// timelineOf is where an unlinked return's timeline is kept: on its
// salesreturn, or, when none was created, on the warehouse document
// ("outdoc", "<warehouse>/<outdoc_id>").
func timelineOf(wh *feed.Warehouse, od storage.Outdoc, part storage.OutdocPart) storage.Document {
	if part.DocID != "" {
		return storage.Document{Type: part.DocType, ID: part.DocID}
	}
	return storage.Document{Type: "outdoc", ID: fmt.Sprintf("%s/%d", wh.Name, od.OutdocID)}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// counterparty resolves returns.counterparty by id or name; nil when there
// is no such counterparty or the name is not unique.
func (f *Flow) counterparty(ctx context.Context) (*moysklad.Document, error) {
	ref, ms := f.cfg.Returns.Counterparty, f.o.MoySklad()
	if uuidRE.MatchString(ref) {
		d, err := ms.GetDocument(ctx, "counterparty", ref)
		if errors.Is(err, moysklad.ErrNotFound) {
			return nil, nil
		}
		return d, err
	}
	ds, err := ms.ListDocuments(ctx, "counterparty", "name="+ref)
	if err != nil || len(ds) != 1 {
		return nil, err
	}
	return &ds[0], nil
}

// Unlinked is a return booked (or not) without an order, for the admin
// page: staff check its buyer and prices.
type Unlinked struct {
	Warehouse  string
	OutdocID   int64
	OutdocType string
	// Key is the share's key: its return_barcode, or the order_id of an
	// order skladflow did not ship.
	Key                                   string
	OrderID, ReturnBarcode, ParcelBarcode string
	// Status is applied (booked), failed (not booked: Error says why) or
	// reverted (the warehouse withdrew it).
	Status string
	Error  string
	// SalesReturns are the MoySklad documents created (type, id, name,
	// store id).
	SalesReturns []Created
	// Unknown names goods not found in MoySklad, not booked.
	Unknown []string
	At      time.Time
}

// Unlinked lists the returns booked without an order, newest first.
func (f *Flow) Unlinked(ctx context.Context) ([]Unlinked, error) {
	return ListUnlinked(ctx, f.o.Store())
}

// ListUnlinked is Unlinked for a caller that holds only the store (the
// admin page).
func ListUnlinked(ctx context.Context, s *storage.Store) ([]Unlinked, error) {
	parts, err := s.OutdocTypeParts(ctx, outdocTypes...)
	if err != nil {
		return nil, err
	}
	var out []Unlinked
	for _, p := range parts {
		rec, ok := recordOf(p.OutdocPart)
		if !ok || !rec.Unlinked {
			continue
		}
		out = append(out, Unlinked{Warehouse: p.Warehouse, OutdocID: p.OutdocID, OutdocType: p.OutdocType, Key: p.Key,
			OrderID: rec.OrderID, ReturnBarcode: rec.Barcode, ParcelBarcode: rec.Parcel, Status: p.Status, Error: rec.Error,
			SalesReturns: rec.Docs, Unknown: rec.Unknown, At: p.UpdatedAt})
	}
	return out, nil
}

// Reconcile books the unlinked returns that failed for want of
// returns.counterparty, once one is configured and found in MoySklad: each
// share is forgotten and its warehouse document applied again, where its
// other shares stay as recorded. Until then nothing is tried: no alert
// or timeline line repeats every pass.
func (f *Flow) Reconcile(ctx context.Context) (int, error) {
	if f.cfg.Returns.Counterparty == "" {
		return 0, nil
	}
	store := f.o.Store()
	parts, err := store.FailedOutdocTypeParts(ctx, outdocTypes...)
	if err != nil {
		return 0, err
	}
	var cp *moysklad.Document
	n := 0
	for _, p := range parts {
		rec, ok := recordOf(p.OutdocPart)
		if !ok || !rec.NoCounterparty {
			continue
		}
		if cp == nil {
			if cp, err = f.counterparty(ctx); err != nil || cp == nil {
				return n, err
			}
		}
		queued, err := store.ReopenOutdocPart(ctx, p.Warehouse, p.OutdocID, p.Key)
		if err != nil {
			return n, err
		}
		if queued {
			n++
			f.o.Logger().Info("unlinked return queued again: the counterparty is configured now",
				"warehouse", p.Warehouse, "outdoc", p.OutdocID, "key", p.Key)
		}
	}
	return n, nil
}
