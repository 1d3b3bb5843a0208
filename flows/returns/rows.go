package returns

import (
	"maps"

	"github.com/skladflow/skladflow/moysklad"
)

// returnRows are a salesreturn's lines on its demand: each good's returned
// units fill the demand's lines of that item in order, at the demand's
// price, discount and VAT, never beyond a line's quantity. Serial-tracked
// lines carry the serials the warehouse reported, else the demand's. rest
// are the units no line of the demand holds (a bundle's components).
func returnRows(demand []moysklad.Position, goodOf func(*moysklad.Product) string, units map[string]int64, sns map[string][]string) (
	rows []moysklad.Position, rest map[string]int64) {
	left := maps.Clone(units)
	used := map[string]int{}
	for _, p := range demand {
		if p.Assortment == nil {
			continue
		}
		g := goodOf(p.Assortment)
		take := min(int64(p.Quantity), left[g])
		if g == "" || take <= 0 {
			continue
		}
		left[g] -= take
		n := moysklad.NewPosition(p.Assortment.Meta, float64(take))
		n.SetPrice(p.Price())
		if d := p.Discount(); d != 0 {
			n.SetDiscount(d)
		}
		n.SetVAT(p.VAT())
		if p.Serial() {
			// One serial per unit (moysklad.md §4.2).
			things := sns[g][min(used[g], len(sns[g])):]
			if int64(len(things)) < take {
				things = p.Things()
			}
			if int64(len(things)) >= take {
				n.SetThings(things[:take])
				used[g] += int(take)
			}
		}
		rows = append(rows, n)
	}
	rest = map[string]int64{}
	for g, n := range left {
		if n > 0 {
			rest[g] = n
		}
	}
	return rows, rest
}

// newRow is a line of an item no demand line gives a price for: price 0,
// staff set it.
func newRow(a *moysklad.Product, n int64) moysklad.Position {
	p := moysklad.NewPosition(a.Meta, float64(n))
	p.SetPrice(0)
	return p
}
