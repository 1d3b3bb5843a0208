package returns

import (
	"maps"
	"slices"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/placement"
)

// booking is what one returned order books in MoySklad, decided by the
// placement rules alone: which units go back on a salesreturn at which
// store, which are beyond what the order shipped (an enter books them, so
// stock still equals the warehouse's), and which MoySklad does not hold.
type booking struct {
	// Returned are the units of a salesreturn, by store and good_id.
	Returned map[string]map[string]int64
	// Excess are booked units beyond what was shipped, by store and good.
	Excess map[string]map[string]int64
	// Counted are the units counted against what the order shipped, by
	// good: stock and quarantine, booked or not. Their sum over every
	// return of an order never exceeds the shipped units.
	Counted map[string]int64
	// Beyond are the units past what was shipped, booked or not, by good.
	Beyond map[string]int64
	// Per quality, for the texts.
	Useful, Defective, Quarantine int64
	// DefectiveUnbooked are defective units MoySklad does not hold
	// (receipt.defective exclude); QuarantineUnbooked quarantined ones
	// (stock.quarantine writeoff).
	DefectiveUnbooked, QuarantineUnbooked int64
	// SNs are the serial numbers of the returned units, by good.
	SNs map[string][]string
}

// book decides a returned order's booking. left is what may still come
// back of each good (shipped less what earlier returns counted); nil
// means the return is linked to no shipment and nothing is capped.
// Stock units are counted before quarantined ones, useful before
// defective: what the warehouse holds is booked first.
func book(rules placement.Rules, goods []fulfillment.ReturnedGood, left map[string]int64) booking {
	b := booking{Returned: map[string]map[string]int64{}, Excess: map[string]map[string]int64{},
		Counted: map[string]int64{}, Beyond: map[string]int64{}, SNs: map[string][]string{}}
	left = maps.Clone(left)
	add := func(m map[string]map[string]int64, store, good string, n int64) {
		if n == 0 || store == "" {
			return
		}
		if m[store] == nil {
			m[store] = map[string]int64{}
		}
		m[store][good] += n
	}
	// orders_full_return.goods: stock_qnt are units taken into stock,
	// quarantine_qnt units shipped but missing from the parcel
	// (#good_state_desc: quarantine).
	for _, pass := range []struct{ state, qual string }{
		{fulfillment.GoodStateStock, fulfillment.QualUseful},
		{fulfillment.GoodStateStock, fulfillment.QualDefective},
		{fulfillment.GoodStateQuarantine, fulfillment.QualUseful},
		{fulfillment.GoodStateQuarantine, fulfillment.QualDefective},
	} {
		for _, g := range goods {
			if qualOf(g) != pass.qual {
				continue
			}
			n := int64(g.StockQnt)
			if pass.state == fulfillment.GoodStateQuarantine {
				n = int64(g.QuarantineQnt)
			}
			if n <= 0 {
				continue
			}
			if pass.state == fulfillment.GoodStateStock {
				for _, sn := range []string{g.GoodSN, g.GoodSN0} {
					if sn != "" {
						b.SNs[g.GoodID] = append(b.SNs[g.GoodID], sn)
					}
				}
			}
			within := n
			if left != nil {
				within = min(n, max(left[g.GoodID], 0))
				left[g.GoodID] -= within
			}
			store := rules.StoreOf(pass.state, pass.qual)
			add(b.Returned, store, g.GoodID, within)
			add(b.Excess, store, g.GoodID, n-within)
			if within > 0 {
				b.Counted[g.GoodID] += within
			}
			if n > within {
				b.Beyond[g.GoodID] += n - within
			}
			switch {
			case pass.state == fulfillment.GoodStateQuarantine:
				b.Quarantine += n
				if store == "" {
					b.QuarantineUnbooked += n
				}
			case pass.qual == fulfillment.QualDefective:
				b.Defective += n
				if store == "" {
					b.DefectiveUnbooked += n
				}
			default:
				b.Useful += n
			}
		}
	}
	return b
}

// qualOf is a line's quality; the schema requires qual_type, and a line
// without one is taken as useful.
func qualOf(g fulfillment.ReturnedGood) string {
	if g.QualType == fulfillment.QualDefective {
		return fulfillment.QualDefective
	}
	return fulfillment.QualUseful
}

// stores are the keys of a by-store map, sorted: documents are created in
// one order on every try.
func stores(m map[string]map[string]int64) []string {
	return slices.Sorted(maps.Keys(m))
}

// complete reports whether every shipped unit has come back.
func complete(shipped, returned map[string]int64) bool {
	for g, n := range shipped {
		if returned[g] < n {
			return false
		}
	}
	return true
}

func sortedKeys(m map[string]int64) []string { return slices.Sorted(maps.Keys(m)) }
