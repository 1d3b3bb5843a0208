package inbound

import (
	"context"
	"fmt"

	"github.com/skladflow/skladflow/storage"
)

// Reconcile finds warehouse documents the warehouse deleted before
// skladflow applied them.
func (f *Flow) Reconcile(ctx context.Context) (int, error) {
	n := 0
	for i := range f.cfg.Warehouses {
		m, err := f.reconcileDeleted(ctx, &f.cfg.Warehouses[i])
		if err != nil {
			return n, err
		}
		n += m
	}
	return n, nil
}

// reconcileDeleted asks the warehouse which of the documents skladflow has
// not applied yet still exist: an unlocked document may be deleted by the
// warehouse (FBox outdocs/check). Those are dropped, with a timeline entry.
func (f *Flow) reconcileDeleted(ctx context.Context, wh *Warehouse) (int, error) {
	pending, err := f.o.Store().OutdocsWithStatus(ctx, wh.Name, storage.OutdocNew, storage.OutdocFailed)
	if err != nil || len(pending) == 0 {
		return 0, err
	}
	ids := make([]int64, len(pending))
	byID := map[int64]storage.Outdoc{}
	for i, od := range pending {
		ids[i], byID[od.OutdocID] = od.OutdocID, od
	}
	missing, err := wh.API.CheckOutdocs(ctx, ids...)
	if err != nil {
		return 0, fmt.Errorf("check outdocs at %s: %w", wh.Name, err)
	}
	for _, id := range missing {
		od := byID[id]
		if err := f.o.Store().UpdateOutdoc(ctx, wh.Name, id, func(x *storage.Outdoc) error {
			x.Status, x.Error = storage.OutdocDeleted, "удалён складом до приёмки"
			return nil
		}); err != nil {
			return 0, err
		}
		f.o.Logger().Warn("warehouse deleted a document before it was applied", "warehouse", wh.Name, "outdoc", id, "indoc", od.IndocID)
		if row, err := f.o.Store().DocumentByIndoc(ctx, od.IndocID); err == nil {
			if err := f.o.Note(ctx, row, storage.TimelineEntry{Kind: storage.KindEvent,
				Message: fmt.Sprintf("склад %s удалил документ %d до его приёмки", wh.Name, id)}); err != nil {
				return 0, err
			}
		}
	}
	return len(missing), nil
}
