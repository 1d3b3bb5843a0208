package fboxtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/skladflow/skladflow/fulfillment"
)

// POST /goods (common_interface_good_set, #good_set_desc): create or update
// cards; one refused card refuses the whole request (#error_desc).
func (s *Server) setGoods(w http.ResponseWriter, r *http.Request) {
	var q struct {
		Goods *[]fulfillment.Good `json:"goods"`
	}
	if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
		s.fail(w, http.StatusBadRequest, 400, "Некорректный JSON: "+err.Error())
		return
	}
	if q.Goods == nil { // good_set_req: goods is required
		s.fail(w, http.StatusBadRequest, 400, "Не заполнен обязательный атрибут goods")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.cat.clone()
	for _, g := range *q.Goods {
		if err := next.set(g, s.now()); err != nil {
			s.refuse(w, err)
			return
		}
	}
	s.cat = next
	s.identifyBound()
	ok(w, nil)
}

// POST /goods/list (common_interface_good_list): filters good_type and
// good_ids; pages by page_size/page_token, except that a list of ids
// answers whole (#paging_desc).
func (s *Server) listGoods(w http.ResponseWriter, r *http.Request) {
	var q fulfillment.GoodFilter
	if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
		s.fail(w, http.StatusBadRequest, 400, "Некорректный JSON: "+err.Error())
		return
	}
	s.mu.Lock()
	var items []fulfillment.GoodCard
	for _, id := range s.cat.order {
		k := s.cat.cards[id].GoodCard
		if (q.GoodType != "" && k.GoodType != q.GoodType) || (q.GoodIDs != nil && !slices.Contains(q.GoodIDs, id)) {
			continue
		}
		items = append(items, fulfillment.GoodCard{GoodID: k.GoodID, GoodType: k.GoodType, GoodName: k.GoodName,
			Length: k.Length, Width: k.Width, Height: k.Height, Weight: k.Weight}) // good_list_resp has no more
	}
	s.mu.Unlock()
	page(s, w, items, q.PageSize, q.PageToken, q.GoodIDs != nil)
}

// page answers one page of items the way every FBox list does
// (#paging_desc): page_size defaults to 1000, the last page has no
// page_next_token, and a request naming its objects (whole) gets them all
// with page_size and page_token ignored. The token is an offset, opaque to
// the client.
func page[T any](s *Server, w http.ResponseWriter, items []T, size int, token string, whole bool) {
	start := 0
	if whole {
		token = ""
	}
	if token != "" {
		n, err := strconv.Atoi(token)
		if err != nil || n < 0 {
			s.fail(w, http.StatusBadRequest, 400, "Некорректный page_token")
			return
		}
		start = min(n, len(items))
	}
	if size <= 0 || whole {
		size = 1000
		if whole {
			size = len(items)
		}
	}
	end := min(start+size, len(items))
	resp := map[string]any{"items": append([]T{}, items[start:end]...)}
	if end < len(items) {
		resp["page_next_token"] = strconv.Itoa(end)
	}
	ok(w, resp)
}

// GET /goods/{good_id}/info (common_interface_good_info): the card with its
// EANs and attributes; an unknown good is 404 (#error_dict).
func (s *Server) goodInfo(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	g, found := s.cat.info(r.PathValue("id"))
	s.mu.Unlock()
	if !found {
		s.fail(w, http.StatusNotFound, 404, "Товар не найден")
		return
	}
	ok(w, map[string]any{"good": g})
}

// POST /goods/eans (common_interface_good_ean_set, good_ean_set_req):
// delete unbinds, add refuses a barcode bound to another good, set moves
// it. The spec gives no order; deletes go first so that one request can
// free a barcode and bind it again.
func (s *Server) setEANs(w http.ResponseWriter, r *http.Request) {
	var q fulfillment.EANChange
	if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
		s.fail(w, http.StatusBadRequest, 400, "Некорректный JSON: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.cat.clone()
	for _, e := range q.Delete {
		delete(next.eans, e) // an unknown barcode is not an error (unconfirmed)
	}
	for _, list := range []struct {
		items []fulfillment.GoodEAN
		move  bool
	}{{q.Add, false}, {q.Set, true}} {
		for _, e := range list.items {
			if e.GoodID == "" || e.EAN == "" { // both required
				s.refuse(w, refused("В EAN не заполнен good_id или ean"))
				return
			}
			if err := next.bind(e.GoodID, e.EAN, list.move, s.now()); err != nil {
				s.refuse(w, err)
				return
			}
		}
	}
	s.cat = next
	s.identifyBound()
	ok(w, nil)
}

// POST /goods/eans/list (common_interface_good_ean_list): barcodes with
// their good and registration time, filtered by good_ids and eans.
func (s *Server) listEANs(w http.ResponseWriter, r *http.Request) {
	var q struct {
		GoodIDs   []string `json:"good_ids"`
		EANs      []string `json:"eans"`
		PageSize  int      `json:"page_size"`
		PageToken string   `json:"page_token"`
	}
	if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
		s.fail(w, http.StatusBadRequest, 400, "Некорректный JSON: "+err.Error())
		return
	}
	s.mu.Lock()
	var items []fulfillment.EANRecord
	for _, id := range s.cat.order {
		if q.GoodIDs != nil && !slices.Contains(q.GoodIDs, id) {
			continue
		}
		for _, e := range s.cat.eansOf(id) {
			if q.EANs == nil || slices.Contains(q.EANs, e) {
				items = append(items, fulfillment.EANRecord{GoodID: id, EAN: e, CreatedAt: s.cat.eans[e].at})
			}
		}
	}
	s.mu.Unlock()
	page(s, w, items, q.PageSize, q.PageToken, q.GoodIDs != nil || q.EANs != nil)
}

// refuse answers a catalogue refusal as a business error.
func (s *Server) refuse(w http.ResponseWriter, err error) {
	var r refused
	if errors.As(err, &r) {
		s.business(w, fulfillment.CodeUnclassified, string(r))
		return
	}
	s.fail(w, http.StatusInternalServerError, 500, err.Error())
}

// now is the emulator's clock as FBox writes it: Moscow, whole seconds.
func (s *Server) now() fulfillment.Date {
	return fulfillment.Date{Time: s.opts.Now().In(fulfillment.Moscow).Truncate(time.Second)}
}

// Good returns a registered card with its EANs, as GET /goods/{id}/info
// would.
func (s *Server) Good(goodID string) (fulfillment.GoodCard, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cat.info(goodID)
}

// Measure records the sizes the warehouse measured on arrival; from then
// on the sizes the customer sends are ignored (#good_dim_desc).
func (s *Server) Measure(goodID string, length, width, height, weight int32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, found := s.cat.cards[goodID]
	if !found {
		return fmt.Errorf("%w: %s", errUnknownGood, goodID)
	}
	k.Length, k.Width, k.Height, k.Weight, k.measured = length, width, height, weight, true
	return nil
}
