package inbound

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
)

// A serial-tracked line carries exactly one serial number per unit, and
// MoySklad refuses a write where they differ (reference §4.2). So a
// receipt that changes such a line's quantity changes its serials too:
// those the warehouse scanned where it reports them, else the ones the
// line had that still fit; the mini-log names every serial taken off and
// every unit left out for want of one.

// serials are serial numbers by good.
type serials map[string][]string

// serialsOf are the serials of units a warehouse document brought into the
// document: arrivals less departures, defective ones only when defective
// units are counted in.
func serialsOf(moves []fulfillment.SerialMove, policy config.Receipt) serials {
	out := serials{}
	for _, m := range moves {
		if m.QualType == fulfillment.QualDefective && policy.Defective == config.DefectiveExclude {
			continue
		}
		switch m.InOut {
		case fulfillment.SerialIn:
			if !slices.Contains(out[m.GoodID], m.GoodSN) {
				out[m.GoodID] = append(out[m.GoodID], m.GoodSN)
			}
		case fulfillment.SerialOut:
			out[m.GoodID] = slices.DeleteFunc(out[m.GoodID], func(s string) bool { return s == m.GoodSN })
		}
	}
	return out
}

// defectiveOf are the serials of the defective units a warehouse document
// brought: the ones a move to the defect store carries.
func defectiveOf(moves []fulfillment.SerialMove) serials {
	return serialsOf(slices.DeleteFunc(slices.Clone(moves), func(m fulfillment.SerialMove) bool {
		return m.QualType != fulfillment.QualDefective
	}), config.Receipt{})
}

// fitted is one line's serials after a receipt.
type fitted struct {
	Things  []string
	Dropped []string // serials the line had and no longer has
}

// fitSerials gives each serial line of one good (idx, in document order)
// serials for its new quantity qty. Where the warehouse reported serials
// for the good, they are the truth: first the line's own that were
// reported, then reported ones no line had. Where it reported none, the
// line keeps its own serials that fit. A line may end with fewer serials
// than qty: the caller lowers it.
func fitSerials(rows []moysklad.Position, idx []int, qty []float64, reported []string) map[int]fitted {
	used := map[string]bool{}
	had := map[string]bool{}
	for _, i := range idx {
		for _, s := range rows[i].Things() {
			had[s] = true
		}
	}
	out := map[int]fitted{}
	take := func(i int, s string) {
		f := out[i]
		if !used[s] && float64(len(f.Things)) < qty[i] {
			used[s] = true
			f.Things = append(f.Things, s)
			out[i] = f
		}
	}
	for _, i := range idx {
		out[i] = fitted{}
		for _, s := range rows[i].Things() {
			if slices.Contains(reported, s) {
				take(i, s)
			}
		}
	}
	for _, i := range idx {
		for _, s := range reported {
			if !had[s] {
				take(i, s)
			}
		}
	}
	for _, i := range idx {
		if len(reported) == 0 {
			for _, s := range rows[i].Things() {
				take(i, s)
			}
		}
		f := out[i]
		for _, s := range rows[i].Things() {
			if !slices.Contains(f.Things, s) {
				f.Dropped = append(f.Dropped, s)
			}
		}
		out[i] = f
	}
	return out
}

// serialNotes are the mini-log phrases for one line's serials.
func serialNotes(line int, sku, name string, f fitted, short int64) []string {
	var out []string
	head := fmt.Sprintf("стр. %d %s «%s»: ", line, sku, name)
	if len(f.Dropped) > 0 {
		out = append(out, head+"серийные номера сняты: "+strings.Join(f.Dropped, ", "))
	}
	if short > 0 {
		out = append(out, head+fmt.Sprintf("%d шт. без серийного номера не оприходовано", short))
	}
	return out
}

// trimThings keeps n of a line's serials: those the withdrawn document
// brought go first, then the last ones.
func trimThings(things []string, n int, gone []string) []string {
	keep := slices.Clone(things)
	for i := len(keep) - 1; i >= 0 && len(keep) > n; i-- {
		if slices.Contains(gone, keep[i]) {
			keep = slices.Delete(keep, i, i+1)
		}
	}
	if len(keep) > n {
		keep = keep[:n]
	}
	return keep
}

// anySerial reports whether a receipt touches serial-tracked goods: only
// then are the warehouse's serials read.
func anySerial(rows []moysklad.Position, found map[string]moysklad.Product) bool {
	for i := range rows {
		if rows[i].Serial() {
			return true
		}
	}
	for _, p := range found {
		if p.SerialTracked() {
			return true
		}
	}
	return false
}

// warehouseSerials reads the serials the warehouse documents ids moved, if
// the warehouse reports serials at all.
func (f *Flow) warehouseSerials(ctx context.Context, wh *feed.Warehouse, ids ...int64) ([]fulfillment.SerialMove, error) {
	sr, ok := wh.API.(fulfillment.SerialReader)
	if !ok {
		return nil, nil
	}
	var all []fulfillment.SerialMove
	for _, id := range ids {
		moves, err := sr.OutdocSerials(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("serials of outdoc %d: %w", id, err)
		}
		all = append(all, moves...)
	}
	return all, nil
}

// withCurrentSerials adds to a late document's serials those the posted
// document already holds for the same goods: both are in the warehouse.
func withCurrentSerials(rows []moysklad.Position, skus moysklad.SKUFields, late serials) serials {
	out := serials{}
	for sku, sns := range late {
		for _, p := range rows {
			if skus.Of(p.Assortment) == sku {
				out[sku] = append(out[sku], p.Things()...)
			}
		}
		for _, s := range sns {
			if !slices.Contains(out[sku], s) {
				out[sku] = append(out[sku], s)
			}
		}
	}
	return out
}
