package corrections

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/storage"
)

// revert undoes a warehouse document the warehouse asked to unlock for a
// correction (unlock_request): every document its parts recorded is
// deleted, each once, then it is unlocked so the warehouse can replace
// it; the replacement is booked as a new document.
func (f *Flow) revert(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc) error {
	if err := f.undo(ctx, wh, od); err != nil {
		return err
	}
	if err := f.note(ctx, leaseType, pseudoID(wh.Name, od.OutdocID), storage.KindEvent,
		fmt.Sprintf("Склад %s отозвал документ %d (%s) для исправления: созданные по нему документы удалены", wh.Name, od.OutdocID, od.Type), ""); err != nil {
		return err
	}
	return f.cfg.Feed.Undone(ctx, wh, od)
}

// undo deletes every document the parts of od recorded.
func (f *Flow) undo(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc) error {
	parts, err := f.o.Store().OutdocParts(ctx, wh.Name, od.OutdocID)
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range parts {
		if p.Status != storage.PartApplied || p.DocID == "" {
			continue
		}
		if err := f.revertPart(ctx, wh, od, p); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p.Key, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return f.failed(ctx, wh, od, err)
	}
	return nil
}

// deletedMeanwhile handles a document partly booked and not yet imported
// (a failure stopped the rest) that the warehouse deleted since: being
// unlocked, it may delete and replace it without asking (#doc_lock_desc).
// What was booked is deleted and the document is recorded as deleted; the
// replacement is booked as a new document.
func (f *Flow) deletedMeanwhile(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc) (bool, error) {
	if od.Status != storage.OutdocApplied || wh.Shared {
		return false, nil // nothing booked yet; in shared reading the feed finds deletions
	}
	missing, err := wh.API.CheckOutdocs(ctx, od.OutdocID)
	if err != nil || !slices.Contains(missing, od.OutdocID) {
		return false, err
	}
	if err := f.undo(ctx, wh, od); err != nil {
		return false, err
	}
	if err := f.note(ctx, leaseType, pseudoID(wh.Name, od.OutdocID), storage.KindEvent,
		fmt.Sprintf("Склад %s удалил документ %d (%s), записанный не полностью: созданные по нему документы удалены", wh.Name, od.OutdocID, od.Type), ""); err != nil {
		return false, err
	}
	return true, f.o.Store().UpdateOutdoc(ctx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
		x.Status, x.Error = storage.OutdocDeleted, "удалён складом до полной записи"
		return nil
	})
}

// revertPart deletes one booked document (a document already gone counts
// as deleted) and records the part reverted.
func (f *Flow) revertPart(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, p storage.OutdocPart) error {
	var b booked
	_ = json.Unmarshal(p.Change, &b)
	if err := f.cfg.Documents.DeleteDocument(ctx, p.DocType, p.DocID); err != nil {
		return fmt.Errorf("delete %s %s: %w", p.DocType, p.DocID, err)
	}
	p.Status = storage.PartReverted
	if err := f.o.Store().PutOutdocPart(ctx, p); err != nil {
		return err
	}
	return f.note(ctx, p.DocType, p.DocID, storage.KindEvent, fmt.Sprintf("Склад %s отозвал документ %d для исправления %s: %s %s удалено",
		wh.Name, od.OutdocID, minilog.RevertMark(od.OutdocID), typeName(p.DocType), b.Name), "")
}
