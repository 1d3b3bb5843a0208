package feed

import (
	"context"
	"slices"

	"github.com/skladflow/skladflow/storage"
)

// Retry queues again the failed documents of one of types under a task,
// after staff fixed what stopped them and gave the command again. What
// each would change is forgotten: it is decided again from the document
// as staff left it. It returns how many it queued.
func (f *Feed) Retry(ctx context.Context, warehouse, indocID string, types ...string) (int, error) {
	all, err := f.o.Store().OutdocsByIndoc(ctx, indocID)
	if err != nil {
		return 0, err
	}
	var again []storage.Outdoc
	for _, x := range all {
		if x.Status != storage.OutdocFailed || !slices.Contains(types, x.Type) {
			continue
		}
		if err := f.o.Store().UpdateOutdoc(ctx, x.Warehouse, x.OutdocID, func(y *storage.Outdoc) error {
			y.Status, y.Error, y.Before, y.Kind, y.Change = storage.OutdocNew, "", nil, "", nil
			return nil
		}); err != nil {
			return 0, err
		}
		x.Status = storage.OutdocNew
		again = append(again, x)
	}
	if len(again) == 0 {
		return 0, nil
	}
	_, err = f.o.Store().AcceptOutdocs(ctx, warehouse, again)
	return len(again), err
}
