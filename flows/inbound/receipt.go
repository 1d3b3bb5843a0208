package inbound

import (
	"fmt"
	"strings"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
)

// received is what the warehouse reported for one good, over every part of
// a receipt.
type received struct {
	SKU       string
	Useful    int64
	Defective int64
}

// sumReceipt adds up the goods of one or more goods_supply documents (the
// parts of a partial receipt), keeping the order goods first appear in.
func sumReceipt(supplies ...*fulfillment.Supply) []received {
	var out []received
	at := map[string]int{}
	for _, s := range supplies {
		for _, g := range s.Goods {
			i, ok := at[g.GoodID]
			if !ok {
				i = len(out)
				at[g.GoodID] = i
				out = append(out, received{SKU: g.GoodID})
			}
			out[i].Useful += int64(g.UsefulQnt)
			out[i].Defective += int64(g.DefectiveQnt)
		}
	}
	return out
}

// adjustment is the document as the receipt says it really is.
type adjustment struct {
	Positions   []moysklad.Position // every row to write, in order
	Differences []string            // one Russian phrase per difference
	Expected    int64               // units the document expected
	Accepted    int64               // units it now holds
}

// unplannedSKUs lists goods the receipt has (with a quantity) that no line of
// the document has: they need a product looked up in MoySklad.
func unplannedSKUs(rows []moysklad.Position, got []received, skus moysklad.SKUFields) []received {
	have := map[string]bool{}
	for _, p := range rows {
		if sku := skus.Of(p.Assortment); sku != "" {
			have[sku] = true
		}
	}
	var out []received
	for _, r := range got {
		if !have[r.SKU] && r.Useful+r.Defective > 0 {
			out = append(out, r)
		}
	}
	return out
}

// adjust sets every line of goods to what arrived; service lines stay as
// they are. Lines of the same good are filled in order up to their
// quantity, the last one taking any surplus; a line with nothing is
// removed (MoySklad takes no quantity 0). found holds the products of
// unplanned goods, by SKU; every unplanned good must be in it. reported
// are the serials the warehouse scanned, by good.
func adjust(rows []moysklad.Position, got []received, skus moysklad.SKUFields, policy config.Receipt, found map[string]moysklad.Product, reported serials) adjustment {
	counted := func(r received) int64 {
		if policy.Defective == config.DefectiveExclude {
			return r.Useful
		}
		return r.Useful + r.Defective
	}
	bySKU := map[string]received{}
	for _, r := range got {
		bySKU[r.SKU] = r
	}
	// Lines per SKU, in document order.
	lines := map[string][]int{}
	var order []string
	for i, p := range rows {
		sku := skus.Of(p.Assortment)
		if sku == "" {
			continue
		}
		if _, ok := lines[sku]; !ok {
			order = append(order, sku)
		}
		lines[sku] = append(lines[sku], i)
	}

	var a adjustment
	qty := make([]float64, len(rows))
	for i, p := range rows {
		qty[i] = p.Quantity
		if skus.Of(p.Assortment) != "" {
			a.Expected += int64(p.Quantity)
		}
	}
	fits := map[int]fitted{}
	for _, sku := range order {
		idx := lines[sku]
		r := bySKU[sku]
		left := counted(r)
		var expected float64
		for _, i := range idx {
			expected += rows[i].Quantity
		}
		for n, i := range idx {
			take := float64(left)
			if n < len(idx)-1 && take > rows[i].Quantity {
				take = rows[i].Quantity
			}
			qty[i] = take
			left -= int64(take)
		}
		if d := difference(rows, idx, sku, int64(expected), r, counted(r), policy); d != "" {
			a.Differences = append(a.Differences, d)
		}
		var serial []int
		for _, i := range idx {
			if rows[i].Serial() {
				serial = append(serial, i)
			}
		}
		for i, f := range fitSerials(rows, serial, qty, reported[sku]) {
			fits[i] = f
		}
		for _, i := range serial {
			short := int64(qty[i]) - int64(len(fits[i].Things))
			qty[i] = float64(len(fits[i].Things))
			a.Differences = append(a.Differences, serialNotes(i+1, sku, rows[i].Assortment.Name, fits[i], short)...)
		}
	}
	for i, p := range rows {
		if qty[i] == 0 && p.Quantity > 0 {
			continue
		}
		w := p.ForWrite()
		w.Quantity = qty[i]
		if f, ok := fits[i]; ok {
			w.SetThings(f.Things)
		}
		a.Positions = append(a.Positions, w)
		if skus.Of(p.Assortment) != "" {
			a.Accepted += int64(qty[i])
		}
	}
	for _, r := range unplannedSKUs(rows, got, skus) {
		prod := found[r.SKU]
		n := counted(r)
		phrase := fmt.Sprintf("%s «%s»: не заказан, принято %s — добавлена строка", r.SKU, prod.Name, withDefect(r, n, policy))
		row := moysklad.Position{Assortment: &moysklad.Product{Meta: prod.Meta}}
		if prod.SerialTracked() {
			things := reported[r.SKU][:min(int(n), len(reported[r.SKU]))]
			if short := n - int64(len(things)); short > 0 {
				phrase += fmt.Sprintf(", %d шт. без серийного номера не оприходовано", short)
			}
			n = int64(len(things))
			row.SetThings(things)
		}
		a.Differences = append(a.Differences, phrase)
		if n == 0 {
			continue
		}
		row.Quantity = float64(n)
		a.Positions = append(a.Positions, row)
		a.Accepted += n
	}
	return a
}

// difference describes one good whose receipt differs from the document, or
// returns "" when it arrived exactly.
func difference(rows []moysklad.Position, idx []int, sku string, expected int64, r received, counted int64, policy config.Receipt) string {
	if counted == expected && r.Defective == 0 {
		return ""
	}
	nums := make([]string, len(idx))
	for n, i := range idx {
		nums[n] = fmt.Sprint(i + 1)
	}
	name := ""
	if a := rows[idx[0]].Assortment; a != nil {
		name = a.Name
	}
	head := fmt.Sprintf("стр. %s %s «%s»: ожидалось %d", strings.Join(nums, ", "), sku, name, expected)
	if r.Useful+r.Defective == 0 {
		return head + ", не поступило — строка удалена"
	}
	s := head + ", принято " + withDefect(r, counted, policy)
	switch {
	case counted > expected:
		s += fmt.Sprintf(" (излишек %d)", counted-expected)
	case counted < expected:
		s += fmt.Sprintf(" (недостача %d)", expected-counted)
	}
	return s
}

// withDefect says how many units were taken and how many of them (or
// besides them) were defective.
func withDefect(r received, counted int64, policy config.Receipt) string {
	switch {
	case r.Defective == 0:
		return fmt.Sprint(counted)
	case policy.Defective == config.DefectiveExclude:
		return fmt.Sprintf("%d годных, брак %d не оприходован", counted, r.Defective)
	default:
		return fmt.Sprintf("%d, из них брак %d", counted, r.Defective)
	}
}

// withCurrent turns a surplus receipt into a full one: what the document
// already holds plus what the surplus adds, so adjust leaves untouched lines
// as they are.
func withCurrent(rows []moysklad.Position, surplus []received, skus moysklad.SKUFields) []received {
	var out []received
	at := map[string]int{}
	for _, p := range rows {
		sku := skus.Of(p.Assortment)
		if sku == "" {
			continue
		}
		i, ok := at[sku]
		if !ok {
			i = len(out)
			at[sku] = i
			out = append(out, received{SKU: sku})
		}
		out[i].Useful += int64(p.Quantity)
	}
	for _, r := range surplus {
		i, ok := at[r.SKU]
		if !ok {
			i = len(out)
			at[r.SKU] = i
			out = append(out, received{SKU: r.SKU})
		}
		out[i].Useful += r.Useful
		out[i].Defective += r.Defective
	}
	return out
}
