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
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// revert undoes exactly what a warehouse document applied, because the
// warehouse asked to unlock it to correct it (fbox.md §8 «Corrections»),
// then unlocks it. For a goods_shipment that is the positions recorded
// before it, un-posted, «Передан»; a start or ready document changed only
// a status, which the replacement sets again. The replacement comes later
// as a new document and is applied as usual.
func (f *Flow) revert(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc) error {
	part, err := f.o.Store().OutdocPart(ctx, wh.Name, od.OutdocID, od.IndocID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return f.cfg.Feed.Undone(ctx, wh, od) // never applied: nothing to undo
	case err != nil:
		return err
	}
	reverted := part
	reverted.Status = storage.PartReverted
	switch {
	case part.Status != storage.PartApplied:
	case od.Type == fulfillment.OutdocShipment && r.State() == fsm.ShipmentShipped:
		if err := f.withdraw(ctx, r, wh, od, reverted); err != nil {
			return err
		}
	default:
		if err := f.o.Store().PutOutdocPart(ctx, reverted); err != nil {
			return err
		}
	}
	if err := r.Note(ctx, storage.TimelineEntry{Kind: storage.KindEvent,
		Message: fmt.Sprintf("склад %s просит разблокировать документ %d (%s) для исправления", wh.Name, od.OutdocID, od.Type)}); err != nil {
		return err
	}
	return f.cfg.Feed.Undone(ctx, wh, od)
}

// withdraw writes the positions back as they were before the shipment,
// un-posted, «Передан», and records the part reverted with the transition.
func (f *Flow) withdraw(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc, reverted storage.OutdocPart) error {
	var entry storage.TimelineEntry
	mark := minilog.RevertMark(od.OutdocID)
	if minilog.Written(r.Doc.Description, wh.Name, mark) {
		entry = storage.TimelineEntry{Kind: storage.KindRecovered, Message: "отмена отгрузки уже записана в МойСклад, завершаю"}
	} else {
		if len(od.Before) == 0 {
			return fmt.Errorf("outdoc %d: positions before the shipment were not recorded: %w", od.OutdocID, orchestrator.ErrFinal)
		}
		var before []moysklad.Position
		if err := json.Unmarshal(od.Before, &before); err != nil {
			return fmt.Errorf("outdoc %d: positions before: %w", od.OutdocID, err)
		}
		now := map[string]bool{}
		for _, p := range r.Doc.Rows() {
			now[p.ID] = true
		}
		rows := make([]moysklad.Position, len(before))
		for i, p := range before {
			rows[i] = p.ForWrite()
			if !now[p.ID] {
				rows[i].ID = "" // removed by the shipment: added back as it was
			}
		}
		unposted := false
		line := fmt.Sprintf("Склад %s исправляет отгрузку %d: отгрузка отменена %s, позиции возвращены (%s), проведение снято, ждём исправленный документ",
			wh.Name, od.OutdocID, mark, minilog.Positions(len(rows)))
		var err error
		if entry, err = r.WriteBack(ctx, f.cfg.Statuses.Submitted, moysklad.DocumentUpdate{Positions: &rows, Applicable: &unposted}, line); err != nil {
			return err
		}
	}
	return r.Transition(ctx, fsm.ShipmentRevert, func(tx *storage.Tx, _ *storage.Document) error {
		return tx.PutOutdocPart(reverted)
	}, entry)
}
