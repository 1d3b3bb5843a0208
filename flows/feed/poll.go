package feed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// Poll reads a warehouse's documents not yet imported and queues each one
// a flow takes. FBox itself never pushes: this pull is the source of
// truth, and a relay's push only makes it run sooner. Pushes received
// before start are marked processed. It returns how many documents it
// queued.
func (f *Feed) Poll(ctx context.Context, whName string, start time.Time) (int, error) {
	wh, ok := f.Warehouse(whName)
	if !ok {
		return 0, fmt.Errorf("warehouse %q is not configured: %w", whName, orchestrator.ErrFinal)
	}
	var (
		hs     []fulfillment.OutdocHeader
		readTo time.Time
		err    error
	)
	// A correction of a document not yet locked deletes it and issues its
	// replacement at once: find the deletions first, so each revert is
	// queued before the replacement is (ApplyOutdoc makes the replacement
	// wait). Locking reads check only what was applied and not locked.
	if _, err := f.reconcileDeleted(ctx, wh, !wh.Shared); err != nil {
		return 0, err
	}
	if wh.Shared {
		hs, readTo, err = f.window(ctx, wh)
	} else {
		hs, err = f.unlocked(ctx, wh)
	}
	if err != nil {
		return 0, fmt.Errorf("list outdocs of %s: %w", whName, err)
	}
	// Advisory: documents are applied whatever happens here. A document
	// another job holds is told when the poll runs again, soon: the error
	// goes back to the queue.
	var later error
	for _, p := range f.pollers {
		if perr := p.Polled(ctx, wh); perr != nil {
			if errors.Is(perr, orchestrator.ErrBusy) {
				later = perr
				continue
			}
			f.o.Logger().Warn("feed poller failed", "warehouse", whName, "err", perr)
		}
	}
	if !wh.Shared {
		if err := f.revisions(ctx, wh); err != nil {
			return 0, err
		}
	}
	defer func() {
		if err := f.o.Store().MarkProcessed(ctx, storage.DocTypeWarehouse, whName, start); err != nil {
			f.o.Logger().Error("mark pushes processed", "warehouse", whName, "err", err)
		}
	}()
	var ods []storage.Outdoc
	for _, h := range hs {
		if !f.takes(h.OutdocType) {
			continue // no flow of skladflow's applies it: left for whoever does
		}
		ods = append(ods, storage.Outdoc{Warehouse: whName, OutdocID: h.OutdocID, Type: h.OutdocType,
			IndocID: h.IndocID, PartNum: h.PartNum, Status: storage.OutdocNew})
	}
	if len(ods) == 0 && readTo.IsZero() {
		return 0, later
	}
	n, err := f.o.Store().AcceptOutdocsReadTo(ctx, whName, ods, readTo)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		f.o.Logger().Info("warehouse documents queued", "warehouse", whName, "count", n)
	}
	return n, later
}

// unlocked lists the documents not yet imported, type by type: documents
// of a type no flow applies are never locked by skladflow, so listing
// every type would page through more of them at every read, for ever.
func (f *Feed) unlocked(ctx context.Context, wh *Warehouse) ([]fulfillment.OutdocHeader, error) {
	no := false
	var all []fulfillment.OutdocHeader
	for _, t := range f.types() {
		hs, err := wh.API.ListOutdocs(ctx, fulfillment.OutdocFilter{OutdocType: t, Locked: &no, UnlockRequest: &no})
		if err != nil {
			return nil, err
		}
		all = append(all, hs...)
	}
	return all, nil
}

// window lists the documents created since the last shared read, up to
// SharedLag before now: created_at is stamped when the warehouse starts
// writing a document, which is listed only once written, within 5
// minutes (#outdoc_share_desc: from_date inclusive, to_date exclusive).
func (f *Feed) window(ctx context.Context, wh *Warehouse) ([]fulfillment.OutdocHeader, time.Time, error) {
	from, err := f.o.Store().FeedCursor(ctx, wh.Name)
	if err != nil {
		return nil, time.Time{}, err
	}
	to := f.o.Now().Add(-wh.SharedLag).Truncate(time.Second)
	if !from.IsZero() && !to.After(from) {
		return nil, time.Time{}, nil
	}
	q := fulfillment.OutdocFilter{ToDate: &fulfillment.Date{Time: to}}
	if !from.IsZero() {
		q.FromDate = &fulfillment.Date{Time: from}
	}
	hs, err := wh.API.ListOutdocs(ctx, q)
	return hs, to, err
}

// revisions finds documents already imported that the warehouse asks to
// unlock for correction, and queues their revert.
func (f *Feed) revisions(ctx context.Context, wh *Warehouse) error {
	yes := true
	hs, err := wh.API.ListOutdocs(ctx, fulfillment.OutdocFilter{Locked: &yes, UnlockRequest: &yes})
	if err != nil {
		return fmt.Errorf("list outdocs to unlock at %s: %w", wh.Name, err)
	}
	if len(hs) == 0 {
		return nil
	}
	ids := make([]int64, len(hs))
	for i, h := range hs {
		ids[i] = h.OutdocID
	}
	n, err := f.o.Store().RequestRevert(ctx, wh.Name, ids)
	if err != nil {
		return err
	}
	f.o.Logger().Info("warehouse asks to unlock documents for correction", "warehouse", wh.Name, "outdocs", ids, "queued", n)
	return nil
}
