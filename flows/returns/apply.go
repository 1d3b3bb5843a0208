package returns

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// ApplyOutdoc applies a return document to every order (or client parcel)
// it names, each exactly once (a storage.OutdocPart each), and marks it
// imported when all are recorded.
func (f *Flow) ApplyOutdoc(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc) error {
	if od.Status == storage.OutdocRevert {
		return f.revert(ctx, wh, od)
	}
	body, err := f.cfg.Feed.Body(ctx, wh, &od)
	if err != nil {
		return err
	}
	d, err := fulfillment.ParseOrdersReturn(body, od.Type)
	if err != nil {
		return fmt.Errorf("%w: %w", err, orchestrator.ErrFinal)
	}
	var errs []error
	seen := map[string]bool{}
	for i, o := range d.Orders {
		if err := f.share(ctx, wh, od, o, i, seen); err != nil {
			errs = append(errs, fmt.Errorf("return %s: %w", what(od.Type, o), err))
		}
	}
	// The others are recorded: only the failed shares are tried again.
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return f.cfg.Feed.Done(ctx, wh, od)
}

// share applies one returned order: on its order and demand when
// skladflow shipped it, else as an unlinked return. Its key is the
// order_id, or for a client return not linked to a shipment its
// return_barcode (#order_ret_desc 3: order_id only when the warehouse
// could tell).
func (f *Flow) share(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, o fulfillment.ReturnedOrder, i int, seen map[string]bool) error {
	h, linked := history{}, false
	if o.OrderID != "" {
		var err error
		if h, linked, err = f.historyOf(ctx, o.OrderID, od.OutdocID); err != nil {
			return err
		}
	}
	key := o.OrderID
	if !linked && od.Type == fulfillment.OutdocOrdersClientReturn || key == "" {
		key = o.ReturnBarcode
	}
	if key == "" || seen[key] {
		// Twice in one document: each is a share of its own.
		key += "#" + strconv.Itoa(i+1)
	}
	seen[key] = true
	if done, err := partDone(ctx, f.o.Store(), wh, od, key); done || err != nil {
		return err
	}
	if !linked {
		return f.unlinked(ctx, wh, od, o, key)
	}
	return f.o.WithDocument(ctx, h.Row.Type, h.Row.ID, func() error {
		// Read again under the lease: another job may have moved both on.
		if done, err := partDone(ctx, f.o.Store(), wh, od, key); done || err != nil {
			return err
		}
		h, linked, err := f.historyOf(ctx, o.OrderID, od.OutdocID)
		if err != nil {
			return err
		}
		if !linked {
			return f.unlinked(ctx, wh, od, o, key)
		}
		return f.linked(ctx, wh, od, o, key, h)
	})
}

func partDone(ctx context.Context, store *storage.Store, wh *feed.Warehouse, od storage.Outdoc, key string) (bool, error) {
	_, err := store.OutdocPart(ctx, wh.Name, od.OutdocID, key)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
