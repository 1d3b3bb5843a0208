package corrections

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/placement"
)

// A serial-tracked product's line carries one serial number per unit, and
// a loss or move may only take serials in stock at its source store
// (moysklad.md §4.2, §4.4 error 3050). The warehouse reports the serials a
// document moved (GET /outdocs/{id}/good_sn): per unit its good, quality
// and direction, not its state. The state comes from the document's goods
// movement: a good's departing units of a quality leave the cells it
// took that quality from, in order, and its arriving units reach the cells
// it gave it to. That places each serial at the store it left and the
// store it reached (placement), whichever sides the warehouse reports.

// unit is one serial and where it left from and arrived at.
type unit struct {
	sn       string
	dep, arr bool   // the warehouse reported it leaving, arriving
	from, to string // the stores; "" when MoySklad does not book the cell
	used     bool
}

// readSerials reads the serials a warehouse document moved, when the
// warehouse reports them.
func readSerials(ctx context.Context, wh *feed.Warehouse, outdocID int64) ([]fulfillment.SerialMove, error) {
	sr, ok := wh.API.(fulfillment.SerialReader)
	if !ok {
		return nil, nil
	}
	sns, err := sr.OutdocSerials(ctx, outdocID)
	if err != nil {
		return nil, fmt.Errorf("read the serials of outdoc %d: %w", outdocID, err)
	}
	return sns, nil
}

// withSerials gives the planned documents' lines the serials of their
// units (Doc.Things): a move takes the units that left its source store
// for its target first, then those only reported leaving the one or
// reaching the other; a loss the units that left its store for nowhere
// MoySklad books; an enter those that reached its store from nowhere.
// Moves choose first. A line gets at most its quantity and never a serial
// the warehouse did not report: a good reported with fewer serials than
// units gets fewer (book says what it could not book).
func withSerials(rules placement.Rules, moves []fulfillment.GoodMove, sns []fulfillment.SerialMove, plan []Doc) []Doc {
	units := placeUnits(rules, moves, sns)
	if len(units) == 0 {
		return plan
	}
	order := make([]int, len(plan))
	for i := range plan {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(boolInt(plan[a].Type != moysklad.TypeMove), boolInt(plan[b].Type != moysklad.TypeMove))
	})
	for _, i := range order {
		d := &plan[i]
		for _, l := range d.Lines {
			var pick []*unit
			for _, u := range units[l.GoodID] {
				if r := d.rank(u); r >= 0 && !u.used {
					pick = append(pick, u)
				}
			}
			slices.SortStableFunc(pick, func(a, b *unit) int { return cmp.Compare(d.rank(a), d.rank(b)) })
			var things []string
			for _, u := range pick[:min(len(pick), int(l.Qty))] {
				u.used = true
				things = append(things, u.sn)
			}
			if len(things) > 0 {
				if d.Things == nil {
					d.Things = map[string][]string{}
				}
				d.Things[l.GoodID] = things
			}
		}
	}
	return plan
}

// rank is how well a unit fits the document: 0 best, −1 not at all.
func (d Doc) rank(u *unit) int {
	if u.dep && u.arr && u.from == u.to {
		return -1 // it stayed at one store: MoySklad books no change
	}
	switch d.Type {
	case moysklad.TypeMove:
		leaves, reaches := u.dep && u.from == d.From, u.arr && u.to == d.To
		switch {
		case leaves && reaches:
			return 0
		case leaves && !u.arr, reaches && !u.dep:
			return 1
		case leaves, reaches:
			return 2
		}
	case TypeLoss:
		if u.dep && u.from == d.From {
			return boolInt(u.arr && u.to != "")
		}
	default: // enter
		if u.arr && u.to == d.To {
			return boolInt(u.dep && u.from != "")
		}
	}
	return -1
}

// placeUnits places each reported serial, by good, in report order.
func placeUnits(rules placement.Rules, moves []fulfillment.GoodMove, sns []fulfillment.SerialMove) map[string][]*unit {
	type gq struct{ good, qual string }
	type cell struct {
		store string
		n     int64
	}
	from, to := map[gq][]cell{}, map[gq][]cell{}
	for _, m := range moves {
		k, c := gq{m.GoodID, m.QualType}, cell{rules.StoreOf(m.GoodState, m.QualType), int64(m.Qnt)}
		if m.Qnt < 0 {
			c.n = -c.n
			from[k] = append(from[k], c)
		} else if m.Qnt > 0 {
			to[k] = append(to[k], c)
		}
	}
	byGood := map[string][]*unit{}
	bySN := map[string]*unit{}
	for _, s := range sns {
		if s.GoodSN == "" || (s.InOut != fulfillment.SerialIn && s.InOut != fulfillment.SerialOut) {
			continue
		}
		u := bySN[s.GoodID+"\x00"+s.GoodSN]
		if u == nil {
			u = &unit{sn: s.GoodSN}
			bySN[s.GoodID+"\x00"+s.GoodSN] = u
			byGood[s.GoodID] = append(byGood[s.GoodID], u)
		}
		k := gq{s.GoodID, s.QualType}
		cells := from
		if s.InOut == fulfillment.SerialIn {
			cells = to
		}
		if (s.InOut == fulfillment.SerialOut && u.dep) || (s.InOut == fulfillment.SerialIn && u.arr) {
			continue // reported twice
		}
		for len(cells[k]) > 0 && cells[k][0].n == 0 {
			cells[k] = cells[k][1:]
		}
		if len(cells[k]) == 0 {
			continue // more serials than units: not placed
		}
		cells[k][0].n--
		if s.InOut == fulfillment.SerialOut {
			u.dep, u.from = true, cells[k][0].store
		} else {
			u.arr, u.to = true, cells[k][0].store
		}
	}
	return byGood
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
