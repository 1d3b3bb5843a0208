package inbound

import (
	"context"
	"errors"

	"github.com/skladflow/skladflow/storage"
)

// refreshGood keeps a changed product's or variant's cards current at
// every warehouse that registered it (a MoySklad UPDATE event). The
// inbound flow works these jobs because it holds every warehouse; a good
// no warehouse registered yet is left for the first task naming it.
func (f *Flow) refreshGood(ctx context.Context, args storage.RefreshGoodArgs) error {
	var errs []error
	for i := range f.cfg.Warehouses {
		wh := &f.cfg.Warehouses[i]
		rep, err := wh.Catalogue.RefreshItem(ctx, args.AssortmentType, args.AssortmentID)
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
