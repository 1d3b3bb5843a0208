package shipment

import (
	"context"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fulfillment"
)

// enableOptional turns on the optional start and ready documents at the
// warehouse (#doc_option_desc: off until the customer asks, POST
// /settings), once per warehouse and process. It is advisory: without them
// the shipment still arrives, only «Собирается» and «Собран» are not told,
// so a failure is logged and tried again on the next submission.
func (f *Flow) enableOptional(ctx context.Context, wh *feed.Warehouse) {
	if _, done := f.optional.Load(wh.Name); done {
		return
	}
	if err := wh.API.EnableOutdocTypes(ctx, fulfillment.OutdocShipmentStart, fulfillment.OutdocShipmentReady); err != nil {
		f.o.Logger().Warn("optional shipment documents not turned on", "warehouse", wh.Name, "err", err)
		return
	}
	f.optional.Store(wh.Name, true)
}
