// Package placement decides where MoySklad books the units a warehouse
// holds: FBox keeps stock by good, quality (useful, defective) and state
// (stock, quarantine, long storage; #good_state_desc), MoySklad by store.
// Every flow that mirrors a warehouse document and the parity report ask
// the same Rules, so what a document moves and what the report expects
// can never disagree.
package placement

import (
	"slices"

	"github.com/skladflow/skladflow/fulfillment"
)

// Rules are one warehouse's bookings.
type Rules struct {
	// Store is the MoySklad store that is the warehouse. Required.
	Store string
	// DefectStore books defective units when set; else they stay at Store.
	DefectStore string
	// LongStorageStore books units in long storage when set; else they
	// stay where they were booked before the move.
	LongStorageStore string
	// Defective says defective units are booked at all (receipt.defective
	// accept); when false MoySklad never holds them.
	Defective bool
	// KeepQuarantine books quarantined units until the full inventory
	// writes them off (stock.quarantine keep); when false they are written
	// off as they go into quarantine.
	KeepQuarantine bool
}

// StoreOf is the store that books units in a state and quality, or ""
// when MoySklad does not book them.
func (r Rules) StoreOf(state, qual string) string {
	if qual == fulfillment.QualDefective && !r.Defective {
		return ""
	}
	switch state {
	case fulfillment.GoodStateStock:
	case fulfillment.GoodStateQuarantine:
		if !r.KeepQuarantine {
			return ""
		}
	case fulfillment.GoodStateLongStorage:
		if r.LongStorageStore != "" {
			return r.LongStorageStore
		}
	default:
		return ""
	}
	if qual == fulfillment.QualDefective && r.DefectStore != "" {
		return r.DefectStore
	}
	return r.Store
}

// Stores are the warehouse's stores, Store first, each once.
func (r Rules) Stores() []string {
	out := []string{r.Store}
	for _, s := range []string{r.DefectStore, r.LongStorageStore} {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Key is a good at a store.
type Key struct{ Store, GoodID string }

// Deltas is what a document's moves (GET /outdocs/{id}/goods) change in
// MoySklad, by store and good; moves MoySklad does not book are left out,
// and a move between two states booked at one store nets to nothing.
func (r Rules) Deltas(moves []fulfillment.GoodMove) map[Key]int64 {
	out := map[Key]int64{}
	for _, m := range moves {
		if s := r.StoreOf(m.GoodState, m.QualType); s != "" {
			out[Key{s, m.GoodID}] += int64(m.Qnt)
		}
	}
	for k, n := range out {
		if n == 0 {
			delete(out, k)
		}
	}
	return out
}

// Booked is the units of a stock line MoySklad should hold, by store.
func (r Rules) Booked(l fulfillment.GoodStock) map[string]float64 {
	out := map[string]float64{}
	add := func(state string, n float64) {
		if s := r.StoreOf(state, l.QualType); s != "" && n != 0 {
			out[s] += n
		}
	}
	add(fulfillment.GoodStateStock, l.Stock)
	add(fulfillment.GoodStateQuarantine, l.Quarantine)
	add(fulfillment.GoodStateLongStorage, l.LongStorage)
	return out
}
