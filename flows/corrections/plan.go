package corrections

import (
	"cmp"
	"slices"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/placement"
)

// Line is a good's units on a planned document.
type Line struct {
	GoodID string `json:"good_id"`
	Qty    int64  `json:"qty"`
}

// Doc is one MoySklad document a warehouse document books: an enter
// («Оприходование») at To, a loss («Списание») at From, or a move
// («Перемещение») from From to To.
type Doc struct {
	Type  string `json:"type"` // moysklad.TypeEnter, TypeLoss or TypeMove
	From  string `json:"from,omitempty"`
	To    string `json:"to,omitempty"`
	Lines []Line `json:"lines"`
	// Things are the serial numbers of the units by good, for the goods
	// the warehouse reported serials of (withSerials).
	Things map[string][]string `json:"things,omitempty"`
}

// Key names the document among those of its warehouse document: one per
// type and store pair. It is the part's key and goes into the syncId.
func (d Doc) Key() string {
	switch d.Type {
	case moysklad.TypeEnter:
		return d.Type + ":" + d.To
	case TypeLoss:
		return d.Type + ":" + d.From
	}
	return d.Type + ":" + d.From + ">" + d.To
}

// Units are the units the document books.
func (d Doc) Units() int64 {
	var n int64
	for _, l := range d.Lines {
		n += l.Qty
	}
	return n
}

// TypeLoss is MoySklad's «Списание» (spec paths/documents/losses).
const TypeLoss = "loss"

// Plan is what a warehouse document's moves (GET /outdocs/{id}/goods)
// book in MoySklad under the warehouse's placement rules: for each good,
// units that left one store and arrived at another are moved (as many as
// both sides have); what is left arriving is entered, what is left leaving
// is written off. Goods never pair across: a regrade of one good into
// another is a loss of the first and an enter of the second. One document
// per type and store pair, lines sorted by good; deltas that net to zero
// book nothing (an empty plan).
func Plan(rules placement.Rules, moves []fulfillment.GoodMove) []Doc {
	byGood := map[string]map[string]int64{}
	for k, n := range rules.Deltas(moves) {
		if byGood[k.GoodID] == nil {
			byGood[k.GoodID] = map[string]int64{}
		}
		byGood[k.GoodID][k.Store] += n
	}
	order := storeOrder(rules, byGood)
	docs := map[string]*Doc{}
	add := func(typ, from, to, good string, n int64) {
		d := Doc{Type: typ, From: from, To: to}
		if docs[d.Key()] == nil {
			docs[d.Key()] = &d
		}
		docs[d.Key()].Lines = append(docs[d.Key()].Lines, Line{GoodID: good, Qty: n})
	}
	for good, at := range byGood {
		out, in := map[string]int64{}, map[string]int64{}
		for s, n := range at {
			if n < 0 {
				out[s] = -n
			} else {
				in[s] = n
			}
		}
		for _, from := range order {
			for _, to := range order {
				if n := min(out[from], in[to]); n > 0 {
					add(moysklad.TypeMove, from, to, good, n)
					out[from] -= n
					in[to] -= n
				}
			}
		}
		for _, s := range order {
			if out[s] > 0 {
				add(TypeLoss, s, "", good, out[s])
			}
			if in[s] > 0 {
				add(moysklad.TypeEnter, "", s, good, in[s])
			}
		}
	}
	var plan []Doc
	for _, d := range docs {
		slices.SortFunc(d.Lines, func(a, b Line) int { return cmp.Compare(a.GoodID, b.GoodID) })
		plan = append(plan, *d)
	}
	slices.SortFunc(plan, func(a, b Doc) int { return cmp.Compare(a.Key(), b.Key()) })
	return plan
}

// storeOrder is every store of the deltas, the warehouse's own first: a
// fixed order, so the same moves always pair the same way.
func storeOrder(rules placement.Rules, byGood map[string]map[string]int64) []string {
	order := rules.Stores()
	var more []string
	for _, at := range byGood {
		for s := range at {
			if !slices.Contains(order, s) && !slices.Contains(more, s) {
				more = append(more, s)
			}
		}
	}
	slices.Sort(more)
	return append(order, more...)
}
