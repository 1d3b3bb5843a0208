package fboxtest

import (
	"fmt"

	"github.com/skladflow/skladflow/fulfillment"
)

// The stock is what the outgoing documents say (fbox.md §5: "the sum of
// all outgoing documents equals the stock"): units received by the
// goods_supply documents that exist now (so a corrected or deleted receipt
// counts as its replacement does), plus initial stock a test puts in with
// AddStock, minus the units orders_shipment documents took (an order given
// back by the delivery service, #order_obr_desc 6, gives them back).
// Orders passed to production hold their units: they are not available to
// the next pool run (#order_obr_desc 2).

// stockLine is a good's units by quality (qual_type_en).
type stockLine struct{ useful, defective int32 }

// AddStock puts units on the shelf without a document, as the account's
// initial stock. Negative numbers take them away.
func (s *Server) AddStock(goodID string, useful, defective int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.moveStock(goodID, useful, defective)
}

// moveStock changes a good's units without a document of this file's
// kinds, under s.mu: for other emulated documents that move stock (a
// goods_shipment takes units away with negative numbers).
func (s *Server) moveStock(goodID string, useful, defective int32) {
	l := s.ord.initial[goodID]
	l.useful += useful
	l.defective += defective
	s.ord.initial[goodID] = l
}

// Stock is a good's units at the warehouse by quality, shipped units gone.
func (s *Server) Stock(goodID string) (useful, defective int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.stock()[goodID]
	return l.useful, l.defective
}

// Available is the useful units of a good no order in production holds.
func (s *Server) Available(goodID string) int32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stock()[goodID].useful - s.held()[goodID]
}

// stock sums the documents; it runs under s.mu.
func (s *Server) stock() map[string]stockLine {
	out := map[string]stockLine{}
	for id, l := range s.ord.initial {
		out[id] = l
	}
	for _, o := range s.outdocs {
		if o.header.OutdocType != fulfillment.OutdocSupply || o.raw != nil {
			continue
		}
		for _, g := range o.body.Goods {
			l := out[g.GoodID]
			l.useful += g.UsefulQnt
			l.defective += g.DefectiveQnt
			out[g.GoodID] = l
		}
	}
	for _, rec := range s.ord.orders {
		if rec.stage != StageShipped {
			continue
		}
		for _, g := range rec.shipped {
			l := out[g.GoodID]
			l.useful--
			out[g.GoodID] = l
		}
	}
	return out
}

// held counts the units of orders in production or picking; it runs under
// s.mu.
func (s *Server) held() map[string]int32 {
	out := map[string]int32{}
	for _, rec := range s.ord.orders {
		if rec.stage != StageProduction && rec.stage != StagePicking {
			continue
		}
		for _, g := range rec.order.Goods {
			out[g.GoodID]++
		}
	}
	return out
}

// shortOf checks a short-shipment map against the order's lines.
func shortOf(rec *orderRec, short map[string]int32) error {
	units := map[string]int32{}
	for _, g := range rec.order.Goods {
		units[g.GoodID]++
	}
	for good, n := range short {
		if n < 0 || n > units[good] {
			return fmt.Errorf("fboxtest: order %s: cannot ship %d units of %s short, it has %d", rec.order.OrderID, n, good, units[good])
		}
	}
	return nil
}
