package fboxtest

import (
	"fmt"

	"github.com/skladflow/skladflow/fulfillment"
)

// The stock is what the outgoing documents say (#doc_stocker_desc: "the
// current stock is the sum of the changes made by all outgoing
// documents"): the GET /outdocs/{id}/goods moves of every stock-changing
// document that exists now (so a deleted or corrected document counts as
// its replacement does), plus initial stock a test puts in with AddStock.
// It is kept by good_id, qual_type and good_state (#good_move_desc).
// Orders passed to production hold their units: they are not available to
// the next pool run (#order_obr_desc 2).

// stockKey is one cell of the stock (#good_move_desc).
type stockKey struct{ good, qual, state string }

// stockLine is a good's units in state stock by quality (qual_type_en).
type stockLine struct{ useful, defective int32 }

// AddStock puts units on the shelf (state stock) without a document, as
// the account's initial stock. Negative numbers take them away.
func (s *Server) AddStock(goodID string, useful, defective int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.ord.initial[goodID]
	l.useful += useful
	l.defective += defective
	s.ord.initial[goodID] = l
}

// Stock is a good's units in state stock by quality, shipped units gone.
func (s *Server) Stock(goodID string) (useful, defective int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.stock()[goodID]
	return l.useful, l.defective
}

// StockOf is a good's units of one quality (fulfillment.QualUseful or
// QualDefective) in one state (fulfillment.GoodStateStock, Quarantine or
// LongStorage).
func (s *Server) StockOf(goodID, qual, state string) int32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ledger()[stockKey{goodID, qual, state}]
}

// Available is the useful units of a good no order in production holds.
func (s *Server) Available(goodID string) int32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stock()[goodID].useful - s.held()[goodID]
}

// ledger sums the initial stock and the moves of every document that
// exists now; it runs under s.mu. A cell that was ever touched is present,
// even at zero (GET /goods/stock lists goods that had stock).
func (s *Server) ledger() map[stockKey]int32 {
	out := map[stockKey]int32{}
	for id, l := range s.ord.initial {
		out[stockKey{id, fulfillment.QualUseful, fulfillment.GoodStateStock}] += l.useful
		out[stockKey{id, fulfillment.QualDefective, fulfillment.GoodStateStock}] += l.defective
	}
	for _, o := range s.outdocs {
		for _, m := range s.movesOf(o) {
			out[stockKey{m.GoodID, m.QualType, m.GoodState}] += m.Qnt
		}
	}
	return out
}

// stock is the state-stock part of the ledger by good; under s.mu.
func (s *Server) stock() map[string]stockLine {
	out := map[string]stockLine{}
	for k, n := range s.ledger() {
		if k.state != fulfillment.GoodStateStock {
			continue
		}
		l := out[k.good]
		if k.qual == fulfillment.QualDefective {
			l.defective += n
		} else {
			l.useful += n
		}
		out[k.good] = l
	}
	return out
}

// fits says whether moves can be applied to the stock without taking
// more out of a cell than it holds, the document replaced (0: none) no
// longer counting; under s.mu. Only cells the moves take from are checked:
// the emulator lets shipments go below zero where a test asks for it.
func (s *Server) fits(moves []fulfillment.GoodMove, replaced int64) error {
	led := s.ledger()
	if o, found := s.outdocs[replaced]; found {
		for _, m := range s.movesOf(o) {
			led[stockKey{m.GoodID, m.QualType, m.GoodState}] -= m.Qnt
		}
	}
	delta := map[stockKey]int32{}
	var keys []stockKey
	for _, m := range moves {
		k := stockKey{m.GoodID, m.QualType, m.GoodState}
		if _, seen := delta[k]; !seen {
			keys = append(keys, k)
		}
		delta[k] += m.Qnt
	}
	for _, k := range keys {
		if d := delta[k]; d < 0 && led[k]+d < 0 {
			return fmt.Errorf("fboxtest: %s (%s, %s): cannot take %d, there are %d", k.good, k.qual, k.state, -d, led[k])
		}
	}
	return nil
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
