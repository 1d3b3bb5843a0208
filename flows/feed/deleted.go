package feed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// errChanged is a document whose state moved on since it was read.
var errChanged = errors.New("outdoc changed meanwhile")

// checkWindow is how far back documents are checked for deletion: the
// warehouse may delete an unlocked document up to 14 days old, and asks
// for the ids loaded in the last 15 (#outdoc_share_desc).
const checkWindow = 15 * 24 * time.Hour

// reconcileDeleted checks the documents of the last days the warehouse may
// still delete; appliedOnly checks only those applied and not locked.
func (f *Feed) reconcileDeleted(ctx context.Context, wh *Warehouse, appliedOnly bool) (int, error) {
	statuses := []string{storage.OutdocNew, storage.OutdocFailed, storage.OutdocApplied}
	switch {
	case appliedOnly:
		statuses = []string{storage.OutdocApplied}
	case wh.Shared:
		statuses = append(statuses, storage.OutdocLocked)
	}
	pending, err := f.o.Store().OutdocsWithStatus(ctx, wh.Name, statuses...)
	if err != nil || len(pending) == 0 {
		return 0, err
	}
	since := f.o.Now().Add(-checkWindow)
	var ids []int64
	byID := map[int64]storage.Outdoc{}
	for _, od := range pending {
		if od.CreatedAt.Before(since) {
			continue
		}
		ids = append(ids, od.OutdocID)
		byID[od.OutdocID] = od
	}
	if len(ids) == 0 {
		return 0, nil
	}
	missing, err := wh.API.CheckOutdocs(ctx, ids...)
	if err != nil {
		return 0, fmt.Errorf("check outdocs at %s: %w", wh.Name, err)
	}
	var revert []int64
	for _, id := range missing {
		od := byID[id]
		if od.Status == storage.OutdocApplied || od.Status == storage.OutdocLocked {
			revert = append(revert, id)
			continue
		}
		// Not while it is being applied: that apply may be writing it; once
		// applied, the next check reverts it.
		err := f.o.WithLease(ctx, taskLease(od), func() error {
			return f.o.Store().UpdateOutdoc(ctx, wh.Name, id, func(x *storage.Outdoc) error {
				if x.Status != od.Status {
					return errChanged
				}
				x.Status, x.Error = storage.OutdocDeleted, "удалён складом до приёмки"
				return nil
			})
		})
		if errors.Is(err, orchestrator.ErrBusy) || errors.Is(err, errChanged) {
			continue
		}
		if err != nil {
			return 0, err
		}
		f.o.Logger().Warn("warehouse deleted a document before it was applied", "warehouse", wh.Name, "outdoc", id, "type", od.Type)
		if row, err := f.o.Store().DocumentByIndoc(ctx, od.IndocID); err == nil && od.IndocID != "" {
			if err := f.o.Note(ctx, row, storage.TimelineEntry{Kind: storage.KindEvent,
				Message: fmt.Sprintf("склад %s удалил документ %d до его приёмки", wh.Name, id)}); err != nil {
				return 0, err
			}
		}
	}
	if len(revert) > 0 {
		if _, err := f.o.Store().RequestRevert(ctx, wh.Name, revert); err != nil {
			return 0, err
		}
		f.o.Logger().Info("warehouse deleted applied documents (shared reading): reverting", "warehouse", wh.Name, "outdocs", revert)
	}
	return len(missing), nil
}
