package inbound

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// PollFeed reads the warehouse's not yet imported receipts and queues each
// new one. FBox itself never pushes: this pull is the source of truth, and
// a relay's push only makes it run sooner. Pushes received before start are
// marked processed.
func (f *Flow) PollFeed(ctx context.Context, whName string, start time.Time) (int, error) {
	wh, ok := f.warehouse(whName)
	if !ok {
		return 0, fmt.Errorf("warehouse %q is not configured: %w", whName, orchestrator.ErrFinal)
	}
	unlocked, noRequest := false, false
	hs, err := wh.API.ListOutdocs(ctx, fulfillment.OutdocFilter{
		OutdocType: fulfillment.OutdocSupply, Locked: &unlocked, UnlockRequest: &noRequest,
	})
	if err != nil {
		return 0, fmt.Errorf("list outdocs of %s: %w", whName, err)
	}
	// Advisory: receipts go on whatever happens here. A document another
	// job holds is told when the poll runs again, soon (see the end).
	untold := f.reportUnrecognized(ctx, wh)
	if untold != nil && !errors.Is(untold, orchestrator.ErrBusy) {
		f.o.Logger().Warn("unrecognized goods not reported", "warehouse", whName, "err", untold)
		untold = nil
	}
	// Corrections: the warehouse asks to unlock documents already imported.
	yes := true
	revise, err := wh.API.ListOutdocs(ctx, fulfillment.OutdocFilter{Locked: &yes, UnlockRequest: &yes})
	if err != nil {
		return 0, fmt.Errorf("list outdocs to unlock at %s: %w", whName, err)
	}
	if len(revise) > 0 {
		ids := make([]int64, len(revise))
		for i, h := range revise {
			ids[i] = h.OutdocID
		}
		n, err := f.o.Store().RequestRevert(ctx, whName, ids)
		if err != nil {
			return 0, err
		}
		f.o.Logger().Info("warehouse asks to unlock documents for correction", "warehouse", whName, "outdocs", ids, "queued", n)
	}
	defer func() {
		if err := f.o.Store().MarkProcessed(ctx, storage.DocTypeWarehouse, whName, start); err != nil {
			f.o.Logger().Error("mark pushes processed", "warehouse", whName, "err", err)
		}
	}()
	if len(hs) == 0 {
		return 0, untold
	}
	ods := make([]storage.Outdoc, len(hs))
	for i, h := range hs {
		ods[i] = storage.Outdoc{Warehouse: whName, OutdocID: h.OutdocID, Type: h.OutdocType,
			IndocID: h.IndocID, PartNum: h.PartNum, Status: storage.OutdocNew}
	}
	n, err := f.o.Store().AcceptOutdocs(ctx, whName, ods)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		f.o.Logger().Info("warehouse documents queued", "warehouse", whName, "count", n)
	}
	return n, untold
}
