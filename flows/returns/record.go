package returns

import (
	"encoding/json"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/storage"
)

// Created is a MoySklad document a share created: a revert deletes it.
type Created struct {
	Type  string `json:"type"`
	ID    string `json:"id"`
	Name  string `json:"name"`
	Store string `json:"store"`
}

// record is what applying one returned order did, kept on its part
// (storage.OutdocPart.Change): what a revert deletes and puts back, and
// what the next return of the order counts against the shipment.
type record struct {
	Kind    string `json:"kind"` // full, part, client
	OrderID string `json:"order_id,omitempty"`
	Barcode string `json:"return_barcode,omitempty"`
	Parcel  string `json:"parcel_barcode,omitempty"`
	// Unlinked: booked for the configured counterparty, no demand.
	Unlinked bool `json:"unlinked,omitempty"`
	// Counterparty is the unlinked return's buyer, as configured.
	Counterparty string `json:"counterparty,omitempty"`
	DemandID     string `json:"demand_id,omitempty"`
	DemandName   string `json:"demand_name,omitempty"`
	// Counted are the units counted against the shipment, by good_id.
	Counted map[string]int64 `json:"counted,omitempty"`
	// Beyond are the units past the shipment, by good_id.
	Beyond map[string]int64 `json:"beyond,omitempty"`
	Docs   []Created        `json:"docs,omitempty"`
	// Unknown names the goods no MoySklad item was found for.
	Unknown []string `json:"unknown,omitempty"`
	// OrderStatus and DemandStatus are the statuses before the order's
	// first return: a revert of the only return puts them back.
	OrderStatus  string `json:"order_status,omitempty"`
	DemandStatus string `json:"demand_status,omitempty"`
	// Error is why the share failed (PartFailed).
	Error string `json:"error,omitempty"`
	// NoCounterparty is an unlinked share that failed for want of
	// returns.counterparty (none configured, or none found): it is booked
	// when one is (Reconcile).
	NoCounterparty bool `json:"no_counterparty,omitempty"`
}

// kinds name the three returns in the record and in texts.
var kinds = map[string]struct{ key, text string }{
	fulfillment.OutdocOrdersFullReturn:   {"full", "полный возврат"},
	fulfillment.OutdocOrdersPartReturn:   {"part", "частичный возврат"},
	fulfillment.OutdocOrdersClientReturn: {"client", "клиентский возврат"},
}

func recordOf(p storage.OutdocPart) (record, bool) {
	var r record
	return r, len(p.Change) > 0 && json.Unmarshal(p.Change, &r) == nil
}

func (r record) bytes() []byte {
	b, _ := json.Marshal(r) // plain data: cannot fail
	return b
}
