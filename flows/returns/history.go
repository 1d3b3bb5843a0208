package returns

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/storage"
)

// shipment is what the orders flow recorded for an order's share of an
// orders_shipment (flows/orders: its part's Change).
type shipment struct {
	DemandID   string           `json:"demand_id"`
	DemandName string           `json:"demand_name"`
	Shipped    map[string]int32 `json:"shipped"`
}

// history is an order's shipment and the returns applied to it so far.
type history struct {
	Row        storage.Document
	DemandID   string
	DemandName string
	// Shipped are the units the order shipped, by good_id.
	Shipped map[string]int64
	// Counted are the units earlier returns counted, by good_id.
	Counted map[string]int64
	// First is the earliest return still applied, if any.
	First *record
	// Returns counts the returns still applied.
	Returns int
}

// historyOf reads an order's shipment under its FBox order_id and its
// returns but the outdoc except. ok is false when skladflow never shipped
// the order (not its own, not shipped, or the shipment withdrawn): a
// return of it is not linked to it.
func (f *Flow) historyOf(ctx context.Context, orderID string, except int64) (h history, ok bool, err error) {
	store := f.o.Store()
	row, err := store.DocumentByIndoc(ctx, orderID)
	if errors.Is(err, storage.ErrNotFound) || err == nil && row.Flow != fsm.Orders().Name() {
		return h, false, nil
	}
	if err != nil {
		return h, false, err
	}
	parts, err := store.DocumentParts(ctx, row.Type, row.ID)
	if err != nil {
		return h, false, err
	}
	h = history{Row: row, Shipped: map[string]int64{}, Counted: map[string]int64{}}
	for _, p := range parts {
		if p.Key != orderID || p.Status != storage.PartApplied {
			continue
		}
		switch {
		case p.OutdocType == fulfillment.OutdocOrdersShipment:
			var s shipment
			if json.Unmarshal(p.Change, &s) != nil || s.DemandID == "" {
				continue
			}
			h.DemandID, h.DemandName = s.DemandID, s.DemandName
			for g, n := range s.Shipped {
				h.Shipped[g] += int64(n)
			}
		case slices.Contains(f.OutdocTypes(), p.OutdocType) && p.OutdocID != except:
			rec, ok := recordOf(p.OutdocPart)
			if !ok {
				continue
			}
			h.Returns++
			if h.First == nil {
				h.First = &rec
			}
			for g, n := range rec.Counted {
				h.Counted[g] += n
			}
		}
	}
	return h, h.DemandID != "" && fsm.Orders().Can(fsm.State(row.State), fsm.Return), nil
}

// left is what may still come back of each good.
func (h history) left() map[string]int64 {
	out := map[string]int64{}
	for g, n := range h.Shipped {
		out[g] = max(n-h.Counted[g], 0)
	}
	return out
}

// returnedWith is every unit counted back, with more.
func (h history) returnedWith(more map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for g, n := range h.Counted {
		out[g] += n
	}
	for g, n := range more {
		out[g] += n
	}
	return out
}
