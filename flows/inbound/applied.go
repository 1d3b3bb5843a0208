package inbound

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

// How a warehouse receipt document was applied. The kind is decided once,
// when the document is applied, and kept on its row: a correction long
// after undoes what that record says, not what the document's state says
// by then.
const (
	// kindPart is a part of a partial receipt, or a separate surplus
	// document, before the final receipt: positions are untouched until the
	// final receipt counts it in.
	kindPart = "part"
	// kindFinal is the final receipt: positions set, document posted.
	kindFinal = "final"
	// kindLate is a part or surplus document after the final receipt: its
	// units are added to the posted document.
	kindLate = "late"
)

// change is what applying a warehouse document did, beyond the positions
// before it (storage.Outdoc.Before), as recorded on its row.
type change struct {
	// Units are the units it brings, by good, as counted by the receipt
	// policy in force when it was applied.
	Units []unit `json:"units,omitempty"`
	// CountedIn is the final receipt that counted a part in.
	CountedIn int64 `json:"counted_in,omitempty"`
	// DefectMove is the move of the defective units it booked to the
	// defect store, while it stands.
	DefectMove *defectMove `json:"defect_move,omitempty"`
}

type unit struct {
	SKU string `json:"sku"`
	Qty int64  `json:"qty"`
}

// classify decides how a receipt document is applied now.
func classify(s *fulfillment.Supply, state fsm.State) string {
	_, part := s.Part()
	switch {
	case !part && s.SurplusOf() == "":
		return kindFinal
	case state == fsm.Received:
		return kindLate
	}
	return kindPart
}

// kindOf is the recorded kind; rows applied before kinds were recorded
// are judged as they were then.
func kindOf(od storage.Outdoc, s *fulfillment.Supply) string {
	if od.Kind != "" {
		return od.Kind
	}
	if _, part := s.Part(); !part && s.SurplusOf() == "" {
		return kindFinal
	}
	return kindPart
}

func changeOf(od storage.Outdoc) (change, error) {
	var c change
	if len(od.Change) == 0 {
		return c, nil
	}
	if err := json.Unmarshal(od.Change, &c); err != nil {
		return c, fmt.Errorf("outdoc %d: recorded change: %w", od.OutdocID, err)
	}
	return c, nil
}

func setChange(od *storage.Outdoc, c change) error {
	b, err := json.Marshal(c)
	od.Change = b
	return err
}

// unitsOf counts what a receipt document brings, by good.
func unitsOf(s *fulfillment.Supply, policy config.Receipt) []unit {
	var out []unit
	for _, r := range sumReceipt(s) {
		n := r.Useful + r.Defective
		if policy.Defective == config.DefectiveExclude {
			n = r.Useful
		}
		if n > 0 {
			out = append(out, unit{SKU: r.SKU, Qty: n})
		}
	}
	return out
}

// withdraw takes units back out of the positions, from the last line of
// each good backwards: the mirror of adjust, which gives any surplus to the
// last line. A line left empty is removed (MoySklad takes no quantity 0);
// service lines stay as they are; a serial line sheds the serials gone
// brought first, then its last ones. It returns every row to write and a
// phrase per good for the mini-log.
func withdraw(rows []moysklad.Position, units []unit, skus moysklad.SKUFields, gone serials) ([]moysklad.Position, []string) {
	qty := make([]float64, len(rows))
	for i, p := range rows {
		qty[i] = p.Quantity
	}
	var said []string
	for _, u := range units {
		left := float64(u.Qty)
		for i := len(rows) - 1; i >= 0 && left > 0; i-- {
			if skus.Of(rows[i].Assortment) != u.SKU {
				continue
			}
			take := min(left, qty[i])
			qty[i] -= take
			left -= take
		}
		said = append(said, fmt.Sprintf("%s −%d", u.SKU, u.Qty-int64(left)))
	}
	var out []moysklad.Position
	for i, p := range rows {
		if qty[i] == 0 && p.Quantity > 0 {
			continue
		}
		w := p.ForWrite()
		w.Quantity = qty[i]
		if qty[i] != p.Quantity && p.Serial() {
			w.SetThings(trimThings(p.Things(), int(qty[i]), gone[skus.Of(p.Assortment)]))
		}
		out = append(out, w)
	}
	return out, said
}

func totalUnits(units []unit) int64 {
	var n int64
	for _, u := range units {
		n += u.Qty
	}
	return n
}

func joinUnits(said []string) string { return strings.Join(said, ", ") }
