package feed

import (
	"context"
	"errors"
	"fmt"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/storage"
)

// Body is the document's body as the warehouse sent it, read once and kept
// on its row: a correction later reverts what this body said, even after
// the warehouse has replaced it.
func (f *Feed) Body(ctx context.Context, wh *Warehouse, od *storage.Outdoc) ([]byte, error) {
	if len(od.Body) > 0 {
		return od.Body, nil
	}
	body, err := wh.API.GetOutdoc(ctx, od.OutdocID)
	if err != nil {
		return nil, fmt.Errorf("read outdoc %d of %s: %w", od.OutdocID, wh.Name, err)
	}
	if err := f.o.Store().UpdateOutdoc(ctx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
		x.Body = body
		return nil
	}); err != nil {
		return nil, err
	}
	od.Body = body
	return body, nil
}

// Done marks a document whose every part is applied as imported: locked
// at the warehouse, or in shared reading only noted in attribute 657 for
// the customer's other systems. Call it after the MoySklad writes, never
// before: a crash in between leaves it to be applied again, and applying
// is idempotent.
func (f *Feed) Done(ctx context.Context, wh *Warehouse, od storage.Outdoc) error {
	if wh.Shared {
		note := fulfillment.Attribute{AttributeID: fulfillment.AttrCoordination,
			Value: "skladflow: записан в МойСклад " + f.o.Now().In(fulfillment.Moscow).Format(fulfillment.DateTimeLayout)}
		if err := wh.API.SetOutdocAttributes(ctx, od.OutdocID, note); err != nil {
			// Advisory only: the document is applied whatever the others know.
			f.o.Logger().Warn("outdoc coordination attribute not set", "warehouse", wh.Name, "outdoc", od.OutdocID, "err", err)
		}
	} else if err := wh.API.LockOutdocs(ctx, true, od.OutdocID); err != nil {
		return fmt.Errorf("lock outdoc %d: %w", od.OutdocID, err)
	}
	return f.o.Store().UpdateOutdoc(ctx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
		if x.Status == storage.OutdocNew || x.Status == storage.OutdocApplied { // not if a revert was asked for meanwhile
			x.Status = storage.OutdocLocked
		}
		return nil
	})
}

// Undone finishes a revert: the document is unlocked so the warehouse can
// delete and replace it (in shared reading the warehouse already has).
func (f *Feed) Undone(ctx context.Context, wh *Warehouse, od storage.Outdoc) error {
	if !wh.Shared {
		// A document the warehouse deleted before it was locked has nothing
		// to unlock.
		if err := wh.API.LockOutdocs(ctx, false, od.OutdocID); err != nil && !errors.Is(err, fulfillment.ErrNotFound) {
			return fmt.Errorf("unlock outdoc %d: %w", od.OutdocID, err)
		}
	}
	return f.o.Store().UpdateOutdoc(ctx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
		x.Status = storage.OutdocUndone
		return nil
	})
}
