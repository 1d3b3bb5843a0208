package inbound

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/skladflow/skladflow/catalogue"

	"github.com/skladflow/skladflow/minilog"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// applyPart records a non-final part of a partial receipt: positions change
// only when the final part arrives.
func (f *Flow) applyPart(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc, s *fulfillment.Supply) error {
	var n int64
	for _, r := range sumReceipt(s) {
		n += r.Useful + r.Defective
	}
	line := fmt.Sprintf("Принимается на складе %s: часть %d %s, принято %d шт.", wh.Name, partNum(s), minilog.OutdocMark(od.OutdocID), n)
	if s.SurplusOf() != "" {
		line = fmt.Sprintf("Принимается на складе %s: излишки %s, %d шт., будут учтены при оприходовании", wh.Name, minilog.OutdocMark(od.OutdocID), n)
	}
	entry, err := r.Say(ctx, f.cfg.Statuses.Receiving, line)
	if err != nil {
		return err
	}
	return f.recordApplied(ctx, r, wh, od, s, entry)
}

// applyFinal sets the document's positions to everything that arrived,
// posts it and sets «Проведён» in one PUT.
func (f *Flow) applyFinal(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc, s *fulfillment.Supply) error {
	parts, counted, err := f.earlierParts(ctx, od)
	if err != nil {
		return err
	}
	got := sumReceipt(append(parts, s)...)
	mark := minilog.OutdocMark(od.OutdocID)
	if nothingArrived(got) {
		why := "товар не поступил"
		if s.WaitExpired() { // attribute 306, #goods_timeout_desc
			why = "истёк срок ожидания поставки, товар не поступил"
		}
		line := fmt.Sprintf("Склад %s закрыл задание %s: %s %s. Позиции не изменены, документ не проведён",
			wh.Name, r.Row.IndocID, why, mark)
		entry, err := r.Say(ctx, f.cfg.Statuses.NotArrived, line)
		if err != nil {
			return err
		}
		return f.finishReceipt(ctx, r, wh, od, fsm.NothingArrived, "", nil, entry)
	}

	skus, err := wh.Catalogue.Keys(ctx, r.Doc.Rows())
	if err != nil {
		return err
	}
	found, missing, err := f.findUnplanned(ctx, wh, skus, r.Doc.Rows(), got)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		// No outdocMark here: the receipt is not written yet, and the mark
		// means "written".
		line := fmt.Sprintf("Приёмка не проведена: склад %s принял по документу %d товар, которого нет в МойСклад: %s. Создайте товар и снова установите статус «%s»",
			wh.Name, od.OutdocID, strings.Join(missing, "; "), f.cfg.Statuses.Submit)
		entry, err := r.Say(ctx, f.cfg.Statuses.ReceiveFailed, line)
		if err != nil {
			return err
		}
		return f.finishReceipt(ctx, r, wh, od, fsm.ReceiptFail, line, nil, entry)
	}

	reported, defective, err := f.reported(ctx, wh, r.Doc.Rows(), found, append(counted, od.OutdocID)...)
	if err != nil {
		return err
	}
	adj := adjust(r.Doc.Rows(), got, skus, f.cfg.Receipt, found, reported)
	defect, err := f.planDefect(ctx, wh, r.Doc.Rows(), skus, found, got, reported, defective)
	if err != nil {
		return err
	}
	line := fmt.Sprintf("Оприходовано на складе %s %s: принято %d из %d шт.", wh.Name, mark, adj.Accepted, adj.Expected)
	if len(adj.Differences) == 0 {
		line += ", без расхождений"
	} else {
		line += "; расхождения: " + strings.Join(adj.Differences, "; ")
	}
	line += defect.phrase()
	posted := true
	entry, err := r.WriteBack(ctx, f.cfg.Statuses.Received, moysklad.DocumentUpdate{Positions: &adj.Positions, Applicable: &posted}, line)
	if err != nil {
		return err
	}
	// After the write: a crash in between is finished by recordApplied.
	moved, err := f.moveDefect(ctx, wh, od, defect)
	if err != nil {
		return err
	}
	return f.finishReceipt(ctx, r, wh, od, fsm.ReceiptApplied, "", counted, append([]storage.TimelineEntry{entry}, moved...)...)
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
	n, _ := s.Part()
	return n
}

// applyLate adds a part or surplus document that came after the document
// was already received and posted.
func (f *Flow) applyLate(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc, s *fulfillment.Supply) error {
	late := sumReceipt(s)
	skus, err := wh.Catalogue.Keys(ctx, r.Doc.Rows())
	if err != nil {
		return err
	}
	found, missing, err := f.findUnplanned(ctx, wh, skus, r.Doc.Rows(), late)
	if err != nil {
		return err
	}
	what := "Излишки"
	if s.SurplusOf() == "" {
		what = fmt.Sprintf("Часть %d приёмки", partNum(s))
	}
	mark := minilog.OutdocMark(od.OutdocID)
	if len(missing) > 0 {
		line := fmt.Sprintf("%s не учтены: склад %s принял по документу %d товар, которого нет в МойСклад: %s", what, wh.Name, od.OutdocID, strings.Join(missing, "; "))
		entry, err := r.Say(ctx, f.cfg.Statuses.Received, line)
		if err != nil {
			return err
		}
		if err := r.Note(ctx, entry); err != nil {
			return err
		}
		return f.o.Store().UpdateOutdoc(ctx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
			x.Status, x.Error = storage.OutdocFailed, line
			return nil
		})
	}
	reported, defective, err := f.reported(ctx, wh, r.Doc.Rows(), found, od.OutdocID)
	if err != nil {
		return err
	}
	reported = withCurrentSerials(r.Doc.Rows(), skus, reported)
	adj := adjust(r.Doc.Rows(), withCurrent(r.Doc.Rows(), late, skus), skus, f.cfg.Receipt, found, reported)
	defect, err := f.planDefect(ctx, wh, r.Doc.Rows(), skus, found, late, reported, defective)
	if err != nil {
		return err
	}
	line := fmt.Sprintf("%s на складе %s %s: добавлено %d шт.; %s", what, wh.Name, mark, adj.Accepted-adj.Expected, strings.Join(adj.Differences, "; "))
	line += defect.phrase()
	posted := true
	entry, err := r.WriteBack(ctx, f.cfg.Statuses.Received, moysklad.DocumentUpdate{Positions: &adj.Positions, Applicable: &posted}, line)
	if err != nil {
		return err
	}
	moved, err := f.moveDefect(ctx, wh, od, defect)
	if err != nil {
		return err
	}
	return f.finishReceipt(ctx, r, wh, od, fsm.SurplusApplied, "", nil, append([]storage.TimelineEntry{entry}, moved...)...)
}

// findUnplanned looks up the goods a receipt has that no line of the
// document has: first among the goods skladflow registered (a good keeps
// its good_id after an edited article), then in MoySklad, products by the
// SKU field and variants by theirs (a good at the warehouse may be either).
// missing describes those it cannot find.
func (f *Flow) findUnplanned(ctx context.Context, wh *feed.Warehouse, skus moysklad.SKUFields, rows []moysklad.Position, got []received) (map[string]moysklad.Product, []string, error) {
	found := map[string]moysklad.Product{}
	var missing []string
	for _, r := range unplannedSKUs(rows, got, skus) {
		known, err := wh.Catalogue.Find(ctx, r.SKU)
		if err != nil {
			return nil, nil, err
		}
		if known != nil {
			found[r.SKU] = *known
			continue
		}
		ps, err := f.o.MoySklad().FindAssortment(ctx, wh.SKUs(), r.SKU)
		if err != nil {
			return nil, nil, fmt.Errorf("find product or variant %s: %w", r.SKU, err)
		}
		variants := fmt.Sprintf(" и модификации с полем «%s» = %s", catalogue.SKULabel(wh.VariantSKUField), r.SKU)
		switch len(ps) {
		case 1:
			found[r.SKU] = ps[0]
		case 0:
			missing = append(missing, fmt.Sprintf("%s (%d шт.) — нет товара с полем «%s» = %s%s", r.SKU, r.Useful+r.Defective, catalogue.SKULabel(wh.SKUField), r.SKU, variants))
		default:
			missing = append(missing, fmt.Sprintf("%s (%d шт.) — товаров с полем «%s» = %s (вместе с модификациями) несколько (%d)", r.SKU, r.Useful+r.Defective, catalogue.SKULabel(wh.SKUField), r.SKU, len(ps)))
		}
	}
	return found, missing, nil
}

// reported are the serials the warehouse documents ids brought, counted as
// the receipt policy counts units, and those of the defective units among
// them; read only when serial goods are involved.
func (f *Flow) reported(ctx context.Context, wh *feed.Warehouse, rows []moysklad.Position, found map[string]moysklad.Product, ids ...int64) (counted, defective serials, err error) {
	if !anySerial(rows, found) {
		return nil, nil, nil
	}
	moves, err := f.warehouseSerials(ctx, wh, ids...)
	if err != nil {
		return nil, nil, err
	}
	return serialsOf(moves, f.cfg.Receipt), defectiveOf(moves), nil
}

// earlierParts are the parts (and separate surplus documents) of the same
// task applied before the final receipt, with their ids: the final counts
// them in.
func (f *Flow) earlierParts(ctx context.Context, od storage.Outdoc) ([]*fulfillment.Supply, []int64, error) {
	all, err := f.o.Store().OutdocsByIndoc(ctx, od.IndocID)
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
func (f *Flow) finishReceipt(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc, ev fsm.Event, failure string, counted []int64, entries ...storage.TimelineEntry) error {
	status := storage.OutdocApplied
	if ev == fsm.ReceiptFail {
		status = storage.OutdocFailed
	}
	entries = append([]storage.TimelineEntry{{Kind: storage.KindEvent,
		Message: fmt.Sprintf("склад %s: документ %d (%s) по заданию %s", wh.Name, od.OutdocID, od.Type, od.IndocID)}}, entries...)
	err := r.Transition(ctx, ev, func(tx *storage.Tx, d *storage.Document) error {
		d.LastError = failure
		if err := f.countIn(tx, wh, counted, od.OutdocID); err != nil {
			return err
		}
		return f.o.Store().UpdateOutdocTx(tx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
			x.Status, x.Error = status, failure
			return nil
		})
	}, entries...)
	if err != nil || status == storage.OutdocFailed {
		return err
	}
	od.Status = status
	return f.lock(ctx, wh, od)
}

// countIn records on parts which final receipt counted them in (final 0:
// none any more, the final was withdrawn).
func (f *Flow) countIn(tx *storage.Tx, wh *feed.Warehouse, parts []int64, final int64) error {
	for _, id := range parts {
		if err := f.o.Store().UpdateOutdocTx(tx, wh.Name, id, func(x *storage.Outdoc) error {
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
func (f *Flow) recordApplied(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc, s *fulfillment.Supply, entry storage.TimelineEntry) error {
	var counted []int64
	ev := fsm.ReceiptApplied
	kind := kindOf(od, s)
	switch kind {
	case kindPart:
		ev = fsm.ReceiptPartial
	case kindLate:
		ev = fsm.SurplusApplied
	default:
		if r.State() == fsm.Received {
			// The transition was saved too (after the defect move); only
			// the lock is missing.
			return f.lock(ctx, wh, od)
		}
		var err error
		if _, counted, err = f.earlierParts(ctx, od); err != nil {
			return err
		}
	}
	entries := []storage.TimelineEntry{entry}
	if kind != kindPart {
		moved, err := f.recoverDefect(ctx, r, wh, od, s, kind)
		if err != nil {
			return err
		}
		entries = append(entries, moved...)
	}
	return f.finishReceipt(ctx, r, wh, od, ev, "", counted, entries...)
}
