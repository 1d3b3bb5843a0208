package orchestrator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

// ApplyOutdoc applies one warehouse document (goods_supply) to its MoySklad
// document, then locks it at the warehouse. Locking comes only after the
// MoySklad write succeeded, so a crash in between leaves the document
// unlocked and it is applied again; the write itself is skipped when the
// document already carries it.
func (o *Orchestrator) ApplyOutdoc(ctx context.Context, whName string, outdocID int64, lastTry bool) error {
	wh, ok := o.warehouse(whName)
	if !ok {
		return fmt.Errorf("warehouse %q is not configured: %w", whName, errFinal)
	}
	od, err := o.store.Outdoc(ctx, whName, outdocID)
	if err != nil {
		return err
	}
	if done, err := o.outdocDone(ctx, wh, od); done || err != nil {
		return err
	}
	supply, err := o.supplyBody(ctx, wh, &od)
	if err != nil {
		return err
	}
	row, err := o.store.DocumentByIndoc(ctx, od.IndocID)
	if errors.Is(err, storage.ErrNotFound) {
		// Not ours (another system's task, or made by hand at the warehouse):
		// leave it unlocked for whoever owns it.
		o.log.Warn("warehouse document for an unknown task", "warehouse", whName, "outdoc", outdocID, "indoc", od.IndocID)
		return o.store.UpdateOutdoc(ctx, whName, outdocID, func(x *storage.Outdoc) error {
			x.Status, x.Error = storage.OutdocFailed, "задание "+od.IndocID+" неизвестно skladflow"
			return nil
		})
	}
	if err != nil {
		return err
	}
	owner, _ := ctx.Value(ownerKey{}).(string)
	return o.withLease(ctx, docKey(row.Type, row.ID), owner, func() error {
		return o.applyLocked(ctx, wh, od, supply)
	})
}

// outdocDone finishes an outdoc already dealt with: nothing left to do, or
// only its lock. The receipt itself is applied only when it is not done.
func (o *Orchestrator) outdocDone(ctx context.Context, wh *Warehouse, od storage.Outdoc) (bool, error) {
	switch od.Status {
	case storage.OutdocLocked, storage.OutdocFailed, storage.OutdocUndone:
		return true, nil
	case storage.OutdocApplied:
		return true, o.lock(ctx, wh, od)
	}
	return false, nil
}

// applyLocked applies a receipt while holding the document's lease.
func (o *Orchestrator) applyLocked(ctx context.Context, wh *Warehouse, od storage.Outdoc, supply *fulfillment.Supply) error {
	// Read again under the lease: another job may have moved both on.
	row, err := o.store.DocumentByIndoc(ctx, od.IndocID)
	if err != nil {
		return err
	}
	if od, err = o.store.Outdoc(ctx, wh.Name, od.OutdocID); err != nil {
		return err
	}
	if done, err := o.outdocDone(ctx, wh, od); done || err != nil {
		return err
	}
	doc, err := o.ms.GetDocument(ctx, row.Type, row.ID, expand...)
	if err != nil {
		return fmt.Errorf("get %s %s: %w", row.Type, row.ID, err)
	}
	if od.Status == storage.OutdocRevert {
		return o.revert(ctx, wh, doc, row, od, supply)
	}
	if strings.Contains(doc.Description, outdocMark(od.OutdocID)) {
		// Written before a crash: finish the bookkeeping only, as recorded.
		return o.recordApplied(ctx, wh, row, od, supply, storage.TimelineEntry{Kind: "recovered",
			Message: "документ склада уже записан в МойСклад, завершаю"})
	}
	// Nothing is written yet: decide how the document applies and record
	// that, with the positions before it and the units it brings, before
	// anything is written. A correction later undoes exactly this record.
	if od, err = o.recordKind(ctx, wh, od, supply, doc, fsm.State(row.State)); err != nil {
		return err
	}
	switch od.Kind {
	case kindLate:
		return o.applyLate(ctx, wh, doc, row, od, supply)
	case kindPart:
		return o.applyPart(ctx, wh, doc, row, od, supply)
	}
	return o.applyFinal(ctx, wh, doc, row, od, supply)
}

// recordKind keeps on the outdoc's row how it is applied and what it
// changes.
func (o *Orchestrator) recordKind(ctx context.Context, wh *Warehouse, od storage.Outdoc, s *fulfillment.Supply, doc *moysklad.Document, state fsm.State) (storage.Outdoc, error) {
	before, err := json.Marshal(forWrite(doc.Rows()))
	if err != nil {
		return od, err
	}
	od.Before, od.Kind = before, classify(s, state)
	if err := setChange(&od, change{Units: unitsOf(s, o.cfg.Receipt)}); err != nil {
		return od, err
	}
	return od, o.store.UpdateOutdoc(ctx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
		x.Before, x.Kind, x.Change = od.Before, od.Kind, od.Change
		return nil
	})
}

// supplyBody returns the receipt, fetching and keeping it on first use.
func (o *Orchestrator) supplyBody(ctx context.Context, wh *Warehouse, od *storage.Outdoc) (*fulfillment.Supply, error) {
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
		indoc = surplusOf(got)
	}
	err = o.store.UpdateOutdoc(ctx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
		x.Body, x.IndocID, x.PartNum = body, indoc, got.PartNum
		return nil
	})
	od.Body, od.IndocID, od.PartNum = body, indoc, got.PartNum
	return got, err
}

// applyPart records a non-final part of a partial receipt: positions change
// only when the final part arrives.
func (o *Orchestrator) applyPart(ctx context.Context, wh *Warehouse, doc *moysklad.Document, row storage.Document, od storage.Outdoc, s *fulfillment.Supply) error {
	var n int64
	for _, r := range sumReceipt(s) {
		n += r.Useful + r.Defective
	}
	line := fmt.Sprintf("Принимается на складе %s: часть %d %s, принято %d шт.", wh.Name, partNum(s), outdocMark(od.OutdocID), n)
	if surplusOf(s) != "" {
		line = fmt.Sprintf("Принимается на складе %s: излишки %s, %d шт., будут учтены при оприходовании", wh.Name, outdocMark(od.OutdocID), n)
	}
	entry, err := o.writeBack(ctx, doc, o.cfg.Statuses.Receiving, nil, nil, line)
	if err != nil {
		return err
	}
	return o.recordApplied(ctx, wh, row, od, s, entry)
}

// applyFinal sets the document's positions to everything that arrived,
// posts it and sets «Проведён» in one PUT.
func (o *Orchestrator) applyFinal(ctx context.Context, wh *Warehouse, doc *moysklad.Document, row storage.Document, od storage.Outdoc, s *fulfillment.Supply) error {
	parts, counted, err := o.earlierParts(ctx, od)
	if err != nil {
		return err
	}
	got := sumReceipt(append(parts, s)...)
	mark := outdocMark(od.OutdocID)
	if nothingArrived(got) {
		line := fmt.Sprintf("Склад %s закрыл задание %s: товар не поступил %s. Позиции не изменены, документ не проведён",
			wh.Name, row.IndocID, mark)
		entry, err := o.writeBack(ctx, doc, o.cfg.Statuses.NotArrived, nil, nil, line)
		if err != nil {
			return err
		}
		return o.finishReceipt(ctx, wh, row, od, fsm.NothingArrived, "", nil, entry)
	}

	found, missing, err := o.findUnplanned(ctx, wh, doc.Rows(), got)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		// No outdocMark here: the receipt is not written yet, and the mark
		// means "written".
		line := fmt.Sprintf("Приёмка не проведена: склад %s принял по документу %d товар, которого нет в МойСклад: %s. Создайте товар и снова установите статус «%s»",
			wh.Name, od.OutdocID, strings.Join(missing, "; "), o.cfg.Statuses.Submit)
		entry, err := o.writeBack(ctx, doc, o.cfg.Statuses.ReceiveFailed, nil, nil, line)
		if err != nil {
			return err
		}
		return o.finishReceipt(ctx, wh, row, od, fsm.ReceiptFail, line, nil, entry)
	}

	adj := adjust(doc.Rows(), got, wh.SKUField, o.cfg.Receipt, found)
	line := fmt.Sprintf("Оприходовано на складе %s %s: принято %d из %d шт.", wh.Name, mark, adj.Accepted, adj.Expected)
	if len(adj.Differences) == 0 {
		line += ", без расхождений"
	} else {
		line += "; расхождения: " + strings.Join(adj.Differences, "; ")
	}
	posted := true
	entry, err := o.writeBack(ctx, doc, o.cfg.Statuses.Received, &adj.Positions, &posted, line)
	if err != nil {
		return err
	}
	return o.finishReceipt(ctx, wh, row, od, fsm.ReceiptApplied, "", counted, entry)
}

func nothingArrived(got []received) bool {
	for _, r := range got {
		if r.Useful+r.Defective > 0 {
			return false
		}
	}
	return true
}

func partNum(s *fulfillment.Supply) int32 {
	if s.PartNum == nil {
		return 0
	}
	return *s.PartNum
}

// applyLate adds a part or surplus document that came after the document
// was already received and posted.
func (o *Orchestrator) applyLate(ctx context.Context, wh *Warehouse, doc *moysklad.Document, row storage.Document, od storage.Outdoc, s *fulfillment.Supply) error {
	late := sumReceipt(s)
	found, missing, err := o.findUnplanned(ctx, wh, doc.Rows(), late)
	if err != nil {
		return err
	}
	what := "Излишки"
	if surplusOf(s) == "" {
		what = fmt.Sprintf("Часть %d приёмки", partNum(s))
	}
	mark := outdocMark(od.OutdocID)
	if len(missing) > 0 {
		line := fmt.Sprintf("%s не учтены: склад %s принял по документу %d товар, которого нет в МойСклад: %s", what, wh.Name, od.OutdocID, strings.Join(missing, "; "))
		entry, err := o.writeBack(ctx, doc, o.cfg.Statuses.Received, nil, nil, line)
		if err != nil {
			return err
		}
		if err := o.note(ctx, row, entry); err != nil {
			return err
		}
		return o.store.UpdateOutdoc(ctx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
			x.Status, x.Error = storage.OutdocFailed, line
			return nil
		})
	}
	adj := adjust(doc.Rows(), withCurrent(doc.Rows(), late, wh.SKUField), wh.SKUField, o.cfg.Receipt, found)
	line := fmt.Sprintf("%s на складе %s %s: добавлено %d шт.; %s", what, wh.Name, mark, adj.Accepted-adj.Expected, strings.Join(adj.Differences, "; "))
	posted := true
	entry, err := o.writeBack(ctx, doc, o.cfg.Statuses.Received, &adj.Positions, &posted, line)
	if err != nil {
		return err
	}
	return o.finishReceipt(ctx, wh, row, od, fsm.SurplusApplied, "", nil, entry)
}

// findUnplanned looks up in MoySklad the goods a receipt has that no line of
// the document has. missing describes those it cannot find.
func (o *Orchestrator) findUnplanned(ctx context.Context, wh *Warehouse, rows []moysklad.Position, got []received) (map[string]moysklad.Product, []string, error) {
	found := map[string]moysklad.Product{}
	var missing []string
	for _, r := range unplannedSKUs(rows, got, wh.SKUField) {
		ps, err := o.ms.FindProducts(ctx, wh.SKUField, r.SKU)
		if err != nil {
			return nil, nil, fmt.Errorf("find product %s: %w", r.SKU, err)
		}
		switch len(ps) {
		case 1:
			found[r.SKU] = ps[0]
		case 0:
			missing = append(missing, fmt.Sprintf("%s (%d шт.) — нет товара с полем «%s» = %s", r.SKU, r.Useful+r.Defective, skuLabel(wh.SKUField), r.SKU))
		default:
			missing = append(missing, fmt.Sprintf("%s (%d шт.) — товаров с полем «%s» = %s несколько (%d)", r.SKU, r.Useful+r.Defective, skuLabel(wh.SKUField), r.SKU, len(ps)))
		}
	}
	return found, missing, nil
}

// earlierParts are the parts (and separate surplus documents) of the same
// task applied before the final receipt, with their ids: the final counts
// them in.
func (o *Orchestrator) earlierParts(ctx context.Context, od storage.Outdoc) ([]*fulfillment.Supply, []int64, error) {
	all, err := o.store.OutdocsByIndoc(ctx, od.IndocID)
	if err != nil {
		return nil, nil, err
	}
	var (
		parts []*fulfillment.Supply
		ids   []int64
	)
	for _, x := range all {
		if x.OutdocID == od.OutdocID || (x.Status != storage.OutdocApplied && x.Status != storage.OutdocLocked) {
			continue
		}
		var s fulfillment.Supply
		if err := json.Unmarshal(x.Body, &s); err != nil {
			return nil, nil, fmt.Errorf("stored outdoc %d: %w", x.OutdocID, err)
		}
		if kindOf(x, &s) == kindPart {
			parts, ids = append(parts, &s), append(ids, x.OutdocID)
		}
	}
	return parts, ids, nil
}

// finishReceipt records the flow event and the outdoc's fate in one
// transaction (with the parts a final receipt counted in), then locks the
// outdoc unless the receipt failed (a failed one stays unlocked, waiting
// for staff to fix MoySklad).
func (o *Orchestrator) finishReceipt(ctx context.Context, wh *Warehouse, row storage.Document, od storage.Outdoc, ev fsm.Event, failure string, counted []int64, entries ...storage.TimelineEntry) error {
	status := storage.OutdocApplied
	if ev == fsm.ReceiptFail {
		status = storage.OutdocFailed
	}
	entries = append([]storage.TimelineEntry{{Kind: "event",
		Message: fmt.Sprintf("склад %s: документ %d (%s) по заданию %s", wh.Name, od.OutdocID, od.Type, od.IndocID)}}, entries...)
	_, err := o.transition(ctx, row, ev, func(tx *storage.Tx, d *storage.Document) error {
		d.LastError = failure
		if err := o.countIn(tx, wh, counted, od.OutdocID); err != nil {
			return err
		}
		return o.store.UpdateOutdocTx(tx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
			x.Status, x.Error = status, failure
			return nil
		})
	}, entries...)
	if err != nil || status == storage.OutdocFailed {
		return err
	}
	od.Status = status
	return o.lock(ctx, wh, od)
}

// countIn records on parts which final receipt counted them in (final 0:
// none any more, the final was withdrawn).
func (o *Orchestrator) countIn(tx *storage.Tx, wh *Warehouse, parts []int64, final int64) error {
	for _, id := range parts {
		if err := o.store.UpdateOutdocTx(tx, wh.Name, id, func(x *storage.Outdoc) error {
			c, err := changeOf(*x)
			if err != nil {
				return err
			}
			c.CountedIn = final
			return setChange(x, c)
		}); err != nil {
			return err
		}
	}
	return nil
}

// recordApplied finishes a receipt whose MoySklad write is done, as its
// recorded kind says.
func (o *Orchestrator) recordApplied(ctx context.Context, wh *Warehouse, row storage.Document, od storage.Outdoc, s *fulfillment.Supply, entry storage.TimelineEntry) error {
	var counted []int64
	ev := fsm.ReceiptApplied
	switch kindOf(od, s) {
	case kindPart:
		ev = fsm.ReceiptPartial
	case kindLate:
		ev = fsm.SurplusApplied
	default:
		if fsm.State(row.State) == fsm.Received {
			// The transition was saved too; only the lock is missing.
			return o.lock(ctx, wh, od)
		}
		var err error
		if _, counted, err = o.earlierParts(ctx, od); err != nil {
			return err
		}
	}
	return o.finishReceipt(ctx, wh, row, od, ev, "", counted, entry)
}

// lock tells the warehouse the document is imported.
func (o *Orchestrator) lock(ctx context.Context, wh *Warehouse, od storage.Outdoc) error {
	if err := wh.API.LockOutdocs(ctx, true, od.OutdocID); err != nil {
		return fmt.Errorf("lock outdoc %d: %w", od.OutdocID, err)
	}
	if err := o.store.UpdateOutdoc(ctx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
		if x.Status == storage.OutdocApplied { // not if a revert was asked for meanwhile
			x.Status = storage.OutdocLocked
		}
		return nil
	}); err != nil {
		return err
	}
	if row, err := o.store.DocumentByIndoc(ctx, od.IndocID); err == nil {
		return o.note(ctx, row, storage.TimelineEntry{Kind: "call", Message: fmt.Sprintf("FBox POST /outdocs/lock %d: документ отмечен принятым", od.OutdocID)})
	}
	return nil
}

// retryReceipt re-queues the failed receipts of a document after staff
// fixed MoySklad and set the submit status again.
func (o *Orchestrator) retryReceipt(ctx context.Context, doc *moysklad.Document, row storage.Document) error {
	all, err := o.store.OutdocsByIndoc(ctx, row.IndocID)
	if err != nil {
		return err
	}
	var again []storage.Outdoc
	for _, x := range all {
		if x.Status != storage.OutdocFailed {
			continue
		}
		if err := o.store.UpdateOutdoc(ctx, x.Warehouse, x.OutdocID, func(y *storage.Outdoc) error {
			y.Status, y.Error = storage.OutdocNew, ""
			return nil
		}); err != nil {
			return err
		}
		x.Status = storage.OutdocNew
		again = append(again, x)
	}
	if len(again) > 0 {
		if _, err := o.store.AcceptOutdocs(ctx, row.Warehouse, again); err != nil {
			return err
		}
	}
	_, err = o.transition(ctx, row, fsm.RetryReceipt, nil, storage.TimelineEntry{Kind: "decision",
		Message: fmt.Sprintf("статус «%s»: повторяю приёмку (%d док. склада)", doc.StateName(), len(again))})
	return err
}

func forWrite(rows []moysklad.Position) []moysklad.Position {
	out := make([]moysklad.Position, len(rows))
	for i, p := range rows {
		out[i] = p.ForWrite()
	}
	return out
}

// revertMark names a withdrawn warehouse document in the mini-log; a line
// carrying it shows the revert was written.
func revertMark(id int64) string { return fmt.Sprintf("(отмена док. склада %d)", id) }

// revert undoes exactly what a warehouse document applied, as recorded
// when it was applied, because the warehouse asked to unlock it to correct
// it; then unlocks it. The replacement comes later as a new document and is
// applied as usual.
func (o *Orchestrator) revert(ctx context.Context, wh *Warehouse, doc *moysklad.Document, row storage.Document, od storage.Outdoc, s *fulfillment.Supply) error {
	if !strings.Contains(doc.Description, revertMark(od.OutdocID)) {
		if err := o.withdrawReceipt(ctx, wh, doc, row, od, s); err != nil {
			return err
		}
	}
	if err := wh.API.LockOutdocs(ctx, false, od.OutdocID); err != nil {
		return fmt.Errorf("unlock outdoc %d: %w", od.OutdocID, err)
	}
	return o.store.UpdateOutdoc(ctx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
		x.Status = storage.OutdocUndone
		return nil
	})
}

// withdrawReceipt writes the document back as it would be without the
// warehouse document, by its recorded kind:
//   - a part not counted in yet changed no positions: the document goes on
//     receiving;
//   - a part the final receipt counted in, or a late part or surplus,
//     brought units to the posted document: exactly those units come out,
//     and the document stays received and posted;
//   - the final receipt: positions as they were before it, not posted.
func (o *Orchestrator) withdrawReceipt(ctx context.Context, wh *Warehouse, doc *moysklad.Document, row storage.Document, od storage.Outdoc, s *fulfillment.Supply) error {
	c, err := changeOf(od)
	if err != nil {
		return err
	}
	if len(od.Change) == 0 { // applied before changes were recorded
		c.Units = unitsOf(s, o.cfg.Receipt)
	}
	var (
		pos        *[]moysklad.Position
		applicable *bool
		status     = o.cfg.Statuses.Submitted
		ev         = fsm.Revert
		counted    []int64
		mark       = revertMark(od.OutdocID)
		line       = fmt.Sprintf("Склад %s исправляет документ %d: его приёмка отменена %s, ждём исправленный документ", wh.Name, od.OutdocID, mark)
	)
	state := fsm.State(row.State)
	switch kind := kindOf(od, s); {
	case kind != kindFinal && (kind == kindLate || c.CountedIn != 0) && state == fsm.Received:
		rows, said := withdraw(doc.Rows(), c.Units, wh.SKUField, o.cfg.Receipt)
		pos, status, ev = &rows, o.cfg.Statuses.Received, fsm.RevertLate
		line = fmt.Sprintf("Склад %s исправляет документ %d: его приёмка отменена %s, из документа убрано %d шт. (%s), ждём исправленный документ",
			wh.Name, od.OutdocID, mark, totalUnits(c.Units), joinUnits(said))
	case kind != kindFinal:
		// Its units are not in the positions: nothing to take out.
		status = o.cfg.Statuses.Receiving
		if state == fsm.Receiving {
			ev = fsm.ReceiptPartial // a part withdrawn: still receiving
		}
	case len(od.Before) > 0:
		var before []moysklad.Position
		if err := json.Unmarshal(od.Before, &before); err != nil {
			return fmt.Errorf("outdoc %d: positions before: %w", od.OutdocID, err)
		}
		now := map[string]bool{}
		for _, p := range doc.Rows() {
			now[p.ID] = true
		}
		for i := range before {
			if !now[before[i].ID] {
				before[i].ID = "" // removed by the receipt: add it back as it was
			}
		}
		unposted := false
		pos, applicable = &before, &unposted
		line = fmt.Sprintf("Склад %s исправляет документ %d: оприходование отменено %s, позиции возвращены (%s), ждём исправленный документ",
			wh.Name, od.OutdocID, mark, positions(len(before)))
		// The parts it counted in wait for the replacement final receipt.
		if _, counted, err = o.earlierParts(ctx, od); err != nil {
			return err
		}
	}
	entry, err := o.writeBack(ctx, doc, status, pos, applicable, line)
	if err != nil {
		return err
	}
	_, err = o.transition(ctx, row, ev, func(tx *storage.Tx, _ *storage.Document) error {
		return o.countIn(tx, wh, counted, 0)
	}, storage.TimelineEntry{Kind: "event",
		Message: fmt.Sprintf("склад %s просит разблокировать документ %d для исправления", wh.Name, od.OutdocID)}, entry)
	return err
}
