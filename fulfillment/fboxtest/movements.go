package fboxtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/skladflow/skladflow/fulfillment"
)

// goodMovements is POST /goods/movements (common_interface_good_moves,
// good_moves_req/resp): the outdocs that moved one good in one state
// (good_state defaults to stock), one item per quality, filtered on
// outdoc_date with both bounds inclusive. indoc_id is given only for the
// types good_moves_resp lists. Initial stock put in by AddStock has no
// document and no item.
func (s *Server) goodMovements(w http.ResponseWriter, r *http.Request) {
	var q struct {
		GoodID    *string           `json:"good_id"`
		GoodState string            `json:"good_state"`
		FromDate  *fulfillment.Date `json:"from_date"`
		ToDate    *fulfillment.Date `json:"to_date"`
	}
	if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
		s.fail(w, http.StatusBadRequest, 400, "Некорректный JSON: "+err.Error())
		return
	}
	switch {
	case q.GoodID == nil || *q.GoodID == "":
		s.fail(w, http.StatusBadRequest, 400, "Не передан обязательный параметр good_id")
		return
	case utf8.RuneCountInString(*q.GoodID) > 255:
		s.fail(w, http.StatusBadRequest, 400, "good_id длиннее 255 символов")
		return
	}
	if q.GoodState == "" {
		q.GoodState = fulfillment.GoodStateStock
	}
	if !slices.Contains([]string{fulfillment.GoodStateStock, fulfillment.GoodStateQuarantine, fulfillment.GoodStateLongStorage}, q.GoodState) {
		s.fail(w, http.StatusBadRequest, 400, "Неизвестное состояние товара good_state "+strconv.Quote(q.GoodState))
		return
	}
	s.mu.Lock()
	items := s.movements(*q.GoodID, q.GoodState, q.FromDate, q.ToDate)
	s.mu.Unlock()
	ok(w, map[string]any{"items": items})
}

// movementIndoc are the types whose movements carry indoc_id
// (good_moves_resp.indoc_id).
var movementIndoc = []string{fulfillment.OutdocSupplyStart, fulfillment.OutdocSupply, fulfillment.OutdocFromLongStorage,
	fulfillment.OutdocToLongStorage, fulfillment.OutdocShipmentStart, fulfillment.OutdocShipmentReady,
	fulfillment.OutdocShipment, fulfillment.OutdocOrdersReceiving}

// movements lists a good's movements in a state by outdoc_date, then
// outdoc_id; under s.mu.
func (s *Server) movements(good, state string, from, to *fulfillment.Date) []fulfillment.GoodMovement {
	ids := make([]int64, 0, len(s.outdocs))
	for id := range s.outdocs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := []fulfillment.GoodMovement{}
	for _, id := range ids {
		o := s.outdocs[id]
		h := o.header
		day := h.OutdocDate.In(fulfillment.Moscow).Format(fulfillment.DateLayout)
		if (from != nil && day < from.In(fulfillment.Moscow).Format(fulfillment.DateLayout)) ||
			(to != nil && day > to.In(fulfillment.Moscow).Format(fulfillment.DateLayout)) {
			continue
		}
		by := map[string]int32{}
		var quals []string
		for _, m := range s.movesOf(o) {
			if m.GoodID != good || m.GoodState != state {
				continue
			}
			if _, seen := by[m.QualType]; !seen {
				quals = append(quals, m.QualType)
			}
			by[m.QualType] += m.Qnt
		}
		for _, q := range quals {
			if by[q] == 0 {
				continue
			}
			m := fulfillment.GoodMovement{OutdocID: h.OutdocID, OutdocType: h.OutdocType, OutdocTypeDescrip: h.OutdocTypeDescrip,
				OutdocDate: h.OutdocDate, CreatedAt: h.CreatedAt, QualType: q, Qnt: by[q]}
			if slices.Contains(movementIndoc, h.OutdocType) {
				m.IndocID = h.IndocID
			}
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b fulfillment.GoodMovement) int { return a.OutdocDate.Compare(b.OutdocDate.Time) })
	return out
}
