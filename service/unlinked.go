package service

import (
	"context"

	"github.com/skladflow/skladflow/flows/returns"
	"github.com/skladflow/skladflow/storage"
	"github.com/skladflow/skladflow/webhooks"
)

// unlinkedReturns shows the returns flow's unlinked returns on the admin
// pages, in the edge's own terms.
func unlinkedReturns(store *storage.Store) webhooks.UnlinkedReturns {
	return func(ctx context.Context) ([]webhooks.UnlinkedReturn, error) {
		list, err := returns.ListUnlinked(ctx, store)
		if err != nil {
			return nil, err
		}
		out := make([]webhooks.UnlinkedReturn, 0, len(list))
		for _, u := range list {
			v := webhooks.UnlinkedReturn{Warehouse: u.Warehouse, OutdocID: u.OutdocID, OrderID: u.OrderID, ReturnBarcode: u.ReturnBarcode,
				ParcelBarcode: u.ParcelBarcode, Status: u.Status, Error: u.Error, Unknown: u.Unknown, At: u.At, SalesReturns: []string{}}
			for _, c := range u.SalesReturns {
				v.SalesReturns = append(v.SalesReturns, c.Name)
			}
			out = append(out, v)
		}
		return out, nil
	}
}
