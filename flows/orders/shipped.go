package orders

import (
	"fmt"
	"strings"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
)

// good is what the flow knows of an order line's assortment item.
type good struct {
	ID, Name string // good_id at the warehouse, name in MoySklad
	// Components of a bundle: units of each good_id one bundle holds. The
	// warehouse ships the components; a bundle left when all of them did.
	Components map[string]int64
}

// goodsOf maps the order's assortment items (by id) to their goods; items
// that do not go to the warehouse (services dropped) are left out.
// bundles are the components of the order's bundles, by bundle id.
func goodsOf(d *moysklad.Document, goodID GoodID, services string, bundles map[string]map[string]int64) map[string]good {
	out := map[string]good{}
	for _, p := range d.Rows() {
		a := p.Assortment
		if a == nil {
			continue
		}
		var id string
		switch {
		case a.IsService() && services == config.ServicesSend:
			id = a.SKU(moysklad.SKUCode)
		case a.IsService():
			continue
		default:
			id = goodID(a)
		}
		if id != "" {
			out[a.Meta.ID()] = good{ID: id, Name: a.Name, Components: bundles[a.Meta.ID()]}
		}
	}
	return out
}

// short is an order line shipped short.
type short struct {
	Good             good
	Ordered, Shipped int64
}

func (s short) String() string {
	return fmt.Sprintf("%s «%s» %d из %d", s.Good.ID, s.Good.Name, s.Shipped, s.Ordered)
}

func shortText(ss []short) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = s.String()
	}
	return strings.Join(parts, "; ")
}

// shippedRows sets a demand's lines (from the order's template) to the
// units really shipped: each good's shipped units fill its lines in order;
// a line left with nothing is removed (MoySklad refuses quantity 0). Lines
// that never went to the warehouse (services) stay as ordered.
func shippedRows(tmpl []moysklad.Position, goods map[string]good, shipped map[string]int32) ([]moysklad.Position, []short, int64) {
	left := map[string]int64{}
	for id, n := range shipped {
		left[id] = int64(n)
	}
	var (
		rows   []moysklad.Position
		shorts []short
		total  int64
	)
	for _, p := range tmpl {
		if p.Assortment == nil {
			rows = append(rows, p)
			continue
		}
		g, ok := goods[p.Assortment.Meta.ID()]
		if !ok {
			rows = append(rows, p)
			continue
		}
		ordered := int64(p.Quantity)
		take := min(ordered, left[g.ID])
		if g.Components != nil {
			take = ordered
			for id, per := range g.Components {
				take = min(take, left[id]/per)
			}
			for id, per := range g.Components {
				left[id] -= take * per
			}
		} else {
			left[g.ID] -= take
		}
		total += take
		if take < ordered {
			shorts = append(shorts, short{Good: g, Ordered: ordered, Shipped: take})
		}
		if take == 0 {
			continue
		}
		p.Quantity = float64(take)
		if th := p.Things(); len(th) > int(take) {
			p.SetThings(th[:take]) // one serial per unit (reference §4.2)
		}
		rows = append(rows, p)
	}
	return rows, shorts, total
}

// unitsText is "5 шт." for the mini-log.
func unitsText(n int64) string { return minilog.Qty(float64(n)) + " шт." }
