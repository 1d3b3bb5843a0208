package fboxtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

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
		if l.useful != 0 {
			out[stockKey{id, fulfillment.QualUseful, fulfillment.GoodStateStock}] += l.useful
		}
		if l.defective != 0 {
			out[stockKey{id, fulfillment.QualDefective, fulfillment.GoodStateStock}] += l.defective
		}
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

// goodsStock is POST /goods/stock (common_interface_good_stock_cur,
// good_stock_cur_resp): one item per good and quality with its stock,
// quarantine and long storage (#good_move_desc) and its reserves. good_ids
// is required; named goods are answered whole, page_size and page_token
// ignored (#paging_desc); an empty list answers every good that has or
// had stock or has a reserve, page by page (page_size defaults to 1000).
func (s *Server) goodsStock(w http.ResponseWriter, r *http.Request) {
	var q struct {
		GoodIDs   *[]string `json:"good_ids"`
		PageSize  int       `json:"page_size"`
		PageToken string    `json:"page_token"`
	}
	if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
		s.fail(w, http.StatusBadRequest, 400, "Некорректный JSON: "+err.Error())
		return
	}
	if q.GoodIDs == nil {
		s.fail(w, http.StatusBadRequest, 400, "Не передан обязательный параметр good_ids")
		return
	}
	if q.PageSize <= 0 {
		q.PageSize = 1000
	}
	start := 0
	if q.PageToken != "" && len(*q.GoodIDs) == 0 {
		n, err := strconv.Atoi(q.PageToken)
		if err != nil || n < 0 {
			s.fail(w, http.StatusBadRequest, 400, "Некорректный page_token")
			return
		}
		start = n
	}
	s.mu.Lock()
	items := s.stockItems(*q.GoodIDs)
	s.mu.Unlock()
	if len(*q.GoodIDs) > 0 {
		ok(w, map[string]any{"items": items})
		return
	}
	start = min(start, len(items))
	end := min(start+q.PageSize, len(items))
	resp := map[string]any{"items": items[start:end]}
	if end < len(items) {
		resp["page_next_token"] = strconv.Itoa(end)
	}
	ok(w, resp)
}

// stockItems are the stock items of the named goods (none: every good
// that has or had stock or has a reserve), by good_id then quality; under
// s.mu. A named registered good with nothing answers one useful item of
// zeros; an unknown one is left out.
func (s *Server) stockItems(named []string) []fulfillment.GoodStock {
	led := s.ledger()
	res := s.reserves()
	type gq struct{ good, qual string }
	cells := map[gq]*fulfillment.GoodStock{}
	cell := func(good, qual string) *fulfillment.GoodStock {
		c, found := cells[gq{good, qual}]
		if !found {
			c = &fulfillment.GoodStock{GoodID: good, QualType: qual}
			cells[gq{good, qual}] = c
		}
		return c
	}
	for k, n := range led {
		c := cell(k.good, k.qual)
		switch k.state {
		case fulfillment.GoodStateStock:
			c.Stock += float64(n)
		case fulfillment.GoodStateQuarantine:
			c.Quarantine += float64(n)
		case fulfillment.GoodStateLongStorage:
			c.LongStorage += float64(n)
		}
	}
	for k, r := range res {
		c := cell(k.good, k.qual)
		c.OrdersInwork, c.OrdersWait, c.ShipmentPicking, c.ShipmentReady = r.OrdersInwork, r.OrdersWait, r.ShipmentPicking, r.ShipmentReady
	}
	out := []fulfillment.GoodStock{}
	for _, c := range cells {
		if len(named) == 0 || slices.Contains(named, c.GoodID) {
			out = append(out, *c)
		}
	}
	for _, id := range named {
		has := slices.ContainsFunc(out, func(g fulfillment.GoodStock) bool { return g.GoodID == id })
		if !has && s.cat.has(id) {
			out = append(out, fulfillment.GoodStock{GoodID: id, QualType: fulfillment.QualUseful})
		}
	}
	slices.SortFunc(out, func(a, b fulfillment.GoodStock) int {
		if a.GoodID != b.GoodID {
			return strings.Compare(a.GoodID, b.GoodID)
		}
		return -strings.Compare(a.QualType, b.QualType) // useful before defective
	})
	return out
}

// reserves are the units the emulator's unfinished work holds, by good and
// quality (good_stock_cur_resp): orders passed to production or being
// picked (orders_inwork), orders waiting in the pool (orders_wait, fake
// orders excluded: they never go to production), shipment tasks being
// picked (shipment_picking) and picked (shipment_ready), at their plan.
// Orders ship useful goods; a shipment task its qual_type. The emulator
// has no other reserves: the rest answer 0. Under s.mu.
func (s *Server) reserves() map[stockKey]fulfillment.GoodStock {
	out := map[stockKey]fulfillment.GoodStock{}
	add := func(good, qual string, f func(*fulfillment.GoodStock)) {
		k := stockKey{good: good, qual: qual}
		g := out[k]
		f(&g)
		out[k] = g
	}
	for _, rec := range s.ord.orders {
		for _, g := range rec.order.Goods {
			switch {
			case rec.stage == StageProduction || rec.stage == StagePicking:
				add(g.GoodID, fulfillment.QualUseful, func(r *fulfillment.GoodStock) { r.OrdersInwork++ })
			case rec.stage == StagePool && (rec.order.Control == nil || !rec.order.Control.IsFakeOrder):
				add(g.GoodID, fulfillment.QualUseful, func(r *fulfillment.GoodStock) { r.OrdersWait++ })
			}
		}
	}
	for _, t := range s.shipState().tasks {
		qual := t.task.QualType
		if qual == "" {
			qual = fulfillment.QualUseful
		}
		for _, it := range t.task.Items {
			n := float64(it.PlanQnt)
			switch t.stage {
			case ShipStagePicking:
				add(it.GoodID, qual, func(r *fulfillment.GoodStock) { r.ShipmentPicking += n })
			case ShipStageReady:
				add(it.GoodID, qual, func(r *fulfillment.GoodStock) { r.ShipmentReady += n })
			}
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
