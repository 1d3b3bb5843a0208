package inbound

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// revert undoes exactly what a warehouse document applied, as recorded
// when it was applied, because the warehouse asked to unlock it to correct
// it; then unlocks it. The replacement comes later as a new document and is
// applied as usual.
func (f *Flow) revert(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc, s *fulfillment.Supply) error {
	// The moves of defective units first: undoDefect deletes the one this
	// document made; a part the final counted in comes out of the final's.
	if err := f.undoDefect(ctx, r, wh, od); err != nil {
		return err
	}
	if err := f.undoCountedDefect(ctx, r, wh, od, s); err != nil {
		return err
	}
	if !minilog.Written(r.Doc.Description, wh.Name, minilog.RevertMark(od.OutdocID)) {
		if err := f.withdrawReceipt(ctx, r, wh, od, s); err != nil {
			return err
		}
	}
	return f.cfg.Feed.Undone(ctx, wh, od)
}

// withdrawReceipt writes the document back as it would be without the
// warehouse document, by its recorded kind:
//   - a part not counted in yet changed no positions: the document goes on
//     receiving;
//   - a part the final receipt counted in, or a late part or surplus,
//     brought units to the posted document: exactly those units come out,
//     and the document stays received and posted;
//   - the final receipt: positions as they were before it, not posted.
func (f *Flow) withdrawReceipt(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc, s *fulfillment.Supply) error {
	c, err := changeOf(od)
	if err != nil {
		return err
	}
	if len(od.Change) == 0 { // applied before changes were recorded
		c.Units = unitsOf(s, f.cfg.Receipt)
	}
	var (
		pos        *[]moysklad.Position
		applicable *bool
		status     = f.cfg.Statuses.Submitted
		ev         = fsm.Revert
		counted    []int64
		mark       = minilog.RevertMark(od.OutdocID)
		line       = fmt.Sprintf("Склад %s исправляет документ %d: его приёмка отменена %s, ждём исправленный документ", wh.Name, od.OutdocID, mark)
	)
	state := r.State()
	switch kind := kindOf(od, s); {
	case kind != kindFinal && (kind == kindLate || c.CountedIn != 0) && state == fsm.Received:
		gone, _, err := f.reported(ctx, wh, r.Doc.Rows(), nil, od.OutdocID)
		if err != nil {
			return err
		}
		skus, err := wh.Catalogue.Keys(ctx, r.Doc.Rows())
		if err != nil {
			return err
		}
		rows, said := withdraw(r.Doc.Rows(), c.Units, skus, gone)
		pos, status, ev = &rows, f.cfg.Statuses.Received, fsm.RevertLate
		line = fmt.Sprintf("Склад %s исправляет документ %d: его приёмка отменена %s, из документа убрано %d шт. (%s), ждём исправленный документ",
			wh.Name, od.OutdocID, mark, totalUnits(c.Units), joinUnits(said))
	case kind != kindFinal:
		// Its units are not in the positions: nothing to take out.
		status = f.cfg.Statuses.Receiving
		if state == fsm.Receiving {
			ev = fsm.ReceiptPartial // a part withdrawn: still receiving
		}
	case len(od.Before) > 0:
		var before []moysklad.Position
		if err := json.Unmarshal(od.Before, &before); err != nil {
			return fmt.Errorf("outdoc %d: positions before: %w", od.OutdocID, err)
		}
		now := map[string]bool{}
		for _, p := range r.Doc.Rows() {
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
			wh.Name, od.OutdocID, mark, minilog.Positions(len(before)))
		// The parts it counted in wait for the replacement final receipt.
		if _, counted, err = f.earlierParts(ctx, od); err != nil {
			return err
		}
	}
	entry, err := r.WriteBack(ctx, status, moysklad.DocumentUpdate{Positions: pos, Applicable: applicable}, line)
	if err != nil {
		return err
	}
	err = r.Transition(ctx, ev, func(tx *storage.Tx, _ *storage.Document) error {
		return f.countIn(tx, wh, counted, 0)
	}, storage.TimelineEntry{Kind: storage.KindEvent,
		Message: fmt.Sprintf("склад %s просит разблокировать документ %d для исправления", wh.Name, od.OutdocID)}, entry)
	return err
}
