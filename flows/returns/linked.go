package returns

import (
	"context"
	"errors"
	"fmt"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// linked applies a return of an order skladflow shipped, under the
// order's lease: a posted salesreturn on its demand per store that books
// units, an enter for units beyond what was shipped, «Возврат» or
// «Частичный возврат» with a mini-log line on the order and the demand.
func (f *Flow) linked(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, o fulfillment.ReturnedOrder, key string, h history) error {
	ms := f.o.MoySklad()
	doc, err := ms.GetDocument(ctx, h.Row.Type, h.Row.ID, "state")
	if errors.Is(err, moysklad.ErrNotFound) {
		// Staff deleted the order: the goods came back all the same.
		return f.unlinked(ctx, wh, od, o, key)
	}
	if err != nil {
		return fmt.Errorf("get %s %s: %w", h.Row.Type, h.Row.ID, err)
	}
	r, err := f.o.NewRun(ctx, doc, h.Row)
	if err != nil {
		return err
	}
	part := storage.OutdocPart{Warehouse: wh.Name, OutdocID: od.OutdocID, Key: key, DocType: h.Row.Type, DocID: h.Row.ID, Status: storage.PartApplied}
	rec := record{Kind: kinds[od.Type].key, OrderID: o.OrderID, Barcode: o.ReturnBarcode, Parcel: o.ParcelBarcode,
		DemandID: h.DemandID, DemandName: h.DemandName}
	demand, err := ms.GetDocument(ctx, moysklad.TypeDemand, h.DemandID, moysklad.ExpandSerial, "state")
	if errors.Is(err, moysklad.ErrNotFound) {
		return f.failLinked(ctx, r, part, rec, od, fmt.Sprintf("отгрузка %s удалена в МоёмСкладе — возврат не на что оформить; оформите его вручную", h.DemandName), err)
	}
	if err != nil {
		return fmt.Errorf("get demand %s: %w", h.DemandName, err)
	}
	rec.OrderStatus, rec.DemandStatus = f.before(doc), f.before(demand)
	if h.First != nil {
		rec.OrderStatus, rec.DemandStatus = h.First.OrderStatus, h.First.DemandStatus
	}
	b := book(wh.Placement, o.Goods, h.left())
	rec.Counted, rec.Beyond = b.Counted, b.Beyond
	if err := f.bookLinked(ctx, wh, od, o, key, b, demand, &rec); err != nil {
		if refusal(err) {
			return f.failLinked(ctx, r, part, rec, od, "МойСклад отказал: "+minilog.Cause(err), err)
		}
		return f.waitClosed(ctx, wh, od, err)
	}
	status := f.cfg.Statuses.ReturnedPartly
	if complete(h.Shipped, h.returnedWith(b.Counted)) {
		status = f.cfg.Statuses.Returned
	}
	line := f.linkedLine(wh, od, o, b, rec)
	calls := []storage.TimelineEntry{{Kind: storage.KindCall, Message: "МойСклад: создано и проведено: " + names(rec.Docs)}}
	if len(rec.Unknown) > 0 {
		calls = append(calls, storage.TimelineEntry{Kind: storage.KindError, Message: "товары склада не найдены в МоёмСкладе, не учтены: " + join(rec.Unknown...)})
	}
	dm, err := f.writeDemand(ctx, demand, status, line)
	if err != nil {
		return err
	}
	calls = append(calls, dm)
	part.Change = rec.bytes()
	entry, err := r.WriteBack(ctx, status, moysklad.DocumentUpdate{}, line)
	if err != nil {
		return err
	}
	return r.Transition(ctx, fsm.Return, func(tx *storage.Tx, d *storage.Document) error {
		d.LastError = ""
		return tx.PutOutdocPart(part)
	}, append(calls, entry)...)
}

// bookLinked creates the share's documents: a salesreturn on the demand
// per store, an enter per store for the excess. Each is recorded on rec
// as soon as it exists, so a failure later still leaves it to a revert.
func (f *Flow) bookLinked(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, o fulfillment.ReturnedOrder, key string,
	b booking, demand *moysklad.Document, rec *record) error {
	keys, err := wh.Catalogue.Keys(ctx, demand.Rows())
	if err != nil {
		return err
	}
	desc := fmt.Sprintf("Возврат на склад %s %s: %s по отгрузке %s", wh.Name, minilog.OutdocMark(od.OutdocID), what(od.Type, o), demand.Name)
	desc = join(desc, reason(o), unitsText(b))
	for _, store := range stores(b.Returned) {
		rows, rest := returnRows(demand.Rows(), keys.Of, b.Returned[store], b.SNs)
		more, err := f.extraRows(ctx, wh, rest, rec)
		if err != nil {
			return err
		}
		if rows = append(rows, more...); len(rows) == 0 {
			continue
		}
		tmpl, err := f.cfg.Documents.Template(ctx, moysklad.TypeSalesReturn, &moysklad.Ref{Meta: demand.Meta})
		if err != nil {
			return fmt.Errorf("salesreturn template on demand %s: %w", demand.Name, err)
		}
		tmpl.Store, tmpl.Positions, tmpl.Description = refLike(demand.Meta, "store", store), &moysklad.Positions{Rows: rows}, join(desc, unknownText(*rec))
		c, err := f.create(ctx, moysklad.TypeSalesReturn, tmpl, store, syncID(wh, od, key, store))
		if err != nil {
			return err
		}
		rec.Docs = append(rec.Docs, c)
	}
	for _, store := range stores(b.Excess) {
		rows, rest := returnRows(demand.Rows(), keys.Of, b.Excess[store], nil)
		for i := range rows {
			rows[i].SetPrice(0) // an excess has no sale price; staff set its cost
		}
		more, err := f.extraRows(ctx, wh, rest, rec)
		if err != nil {
			return err
		}
		if rows = append(rows, more...); len(rows) == 0 {
			continue
		}
		tmpl, err := f.cfg.Documents.Template(ctx, moysklad.TypeEnter, nil)
		if err != nil {
			return fmt.Errorf("enter template: %w", err)
		}
		tmpl.Store, tmpl.Positions = refLike(demand.Meta, "store", store), &moysklad.Positions{Rows: rows}
		tmpl.Description = join(fmt.Sprintf("Оприходование излишка возврата: склад %s %s принял по заказу %s больше, чем отгружено (%s): %s",
			wh.Name, minilog.OutdocMark(od.OutdocID), o.OrderID, demand.Name, goodsText(b.Excess[store])), unknownText(*rec))
		c, err := f.create(ctx, moysklad.TypeEnter, tmpl, store, syncID(wh, od, key, store, "excess"))
		if err != nil {
			return err
		}
		rec.Docs = append(rec.Docs, c)
	}
	return nil
}

// linkedLine is the mini-log line of a return on the order and the demand.
func (f *Flow) linkedLine(wh *feed.Warehouse, od storage.Outdoc, o fulfillment.ReturnedOrder, b booking, rec record) string {
	var returns, enters []Created
	for _, d := range rec.Docs {
		if d.Type == moysklad.TypeEnter {
			enters = append(enters, d)
		} else {
			returns = append(returns, d)
		}
	}
	booked := "ничего не проведено"
	if len(returns) > 0 {
		booked = names(returns) + " проведён"
	}
	var excess string
	if len(b.Beyond) > 0 {
		excess = "сверх отгруженного " + goodsText(b.Beyond)
		if len(enters) > 0 {
			excess += " — излишек оприходован: " + names(enters)
		} else {
			excess += " — в МоёмСкладе не учитывается"
		}
	}
	return join(fmt.Sprintf("Возврат на склад %s %s: %s", wh.Name, minilog.OutdocMark(od.OutdocID), what(od.Type, o)),
		reason(o), booked+" — "+unitsText(b), excess, unknownText(rec))
}

// failLinked records a share that cannot be booked: the cause in the
// timeline, «Ошибка возврата» in the order's mini-log (its status stays),
// the documents created before the failure kept on the part for a revert.
func (f *Flow) failLinked(ctx context.Context, r *orchestrator.Run, part storage.OutdocPart, rec record, od storage.Outdoc, why string, cause error) error {
	rec.Error = why
	part.Status, part.Change = storage.PartFailed, rec.bytes()
	line := fmt.Sprintf("Ошибка возврата: склад %s %s, %s: %s", part.Warehouse, minilog.OutdocMark(od.OutdocID), kinds[od.Type].text, why)
	entry, err := r.Say(ctx, r.Status(), line)
	if err != nil {
		return err
	}
	if err := f.o.Store().PutOutdocPart(ctx, part); err != nil {
		return err
	}
	return r.Note(ctx, storage.TimelineEntry{Kind: storage.KindError, Message: cause.Error()}, entry)
}

// before is a document's status before its first return: a run that
// wrote the returned status and died before recording it leaves
// «Возврат», which is not what a revert should put back.
func (f *Flow) before(d *moysklad.Document) string {
	switch st := d.StateName(); st {
	case f.cfg.Statuses.Returned, f.cfg.Statuses.ReturnedPartly:
		if d.Type() == moysklad.TypeCustomerOrder {
			return f.cfg.Statuses.Shipped
		}
		return ""
	default:
		return st
	}
}
