package feed

import (
	"context"
	"errors"

	"github.com/skladflow/skladflow/storage"
)

// refreshGood keeps a changed product's or variant's cards current at
// every warehouse that registered it (a MoySklad UPDATE event). A good
// a warehouse never registered is left for the first task naming it,
// unless staff gave it a barcode the warehouse received unknown: then it
// is registered, and the warehouse identifies the item.
func (f *Feed) refreshGood(ctx context.Context, args storage.RefreshGoodArgs) error {
	var errs []error
	for i := range f.whs {
		wh := &f.whs[i]
		unknown, err := wh.API.Unrecognized(ctx)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var awaited []string
		for _, u := range unknown {
			awaited = append(awaited, u.Barcode)
		}
		rep, err := wh.Catalogue.RefreshItem(ctx, args.AssortmentType, args.AssortmentID, awaited...)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(rep.Registered) > 0 || len(rep.Skipped) > 0 {
			f.o.Logger().Info("warehouse cards refreshed", "warehouse", wh.Name, "type", args.AssortmentType, "id", args.AssortmentID,
				"registered", rep.Registered, "skipped", rep.Skipped, "notices", rep.Notices)
		}
	}
	return errors.Join(errs...)
}
