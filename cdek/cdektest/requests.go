package cdektest

import (
	"net/http"
	"time"

	"github.com/skladflow/skladflow/cdek"
)

// ask lists a new request on the order, ACCEPTED: CDEK checks it later
// (cdek.md §2). It runs under s.mu, or before the order is shared.
func ask(o *order, typ string) cdek.Request {
	q := request(typ, cdek.StateAccepted)
	o.env.Requests = append(o.env.Requests, q)
	o.at = append(o.at, time.Now())
	return q
}

// settle gives request i its final state; it keeps its uuid and time.
func (o *order) settle(i int, state string, errs ...cdek.Problem) {
	o.env.Requests[i].State, o.env.Requests[i].Errors = state, errs
}

// pending reports whether a request of typ is still being processed.
func (o *order) pending(typ string) bool {
	for _, q := range o.env.Requests {
		if q.Type == typ && (q.State == cdek.StateAccepted || q.State == cdek.StateWaiting) {
			return true
		}
	}
	return false
}

// takeRequest accepts a deletion or refusal (cdek.md §7): HTTP 202 with the
// request ACCEPTED, listed on the order and processed later. Only an
// unknown order (§4.4) or a request of the same type still running (§3.3
// v2_similar_request_still_processed) is refused at once.
func (s *Server) takeRequest(w http.ResponseWriter, r *http.Request, typ string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[r.PathValue("uuid")]
	switch {
	case !ok:
		invalid(w, typ, "v2_entity_not_found", "Заказ не найден")
		return
	case o.pending(typ):
		invalid(w, typ, cdek.CodeSimilarRequestInRun, "Предыдущий запрос этого типа по заказу ещё обрабатывается")
		return
	}
	q := ask(o, typ)
	writeJSON(w, 202, cdek.Envelope{Entity: cdek.Entity{UUID: o.env.Entity.UUID}, Requests: []cdek.Request{q}})
}

// process runs CDEK's later processing of the order's requests made by due
// and still ACCEPTED, oldest first; it runs under s.mu. A status it sets
// is pushed once the lock is free.
func (s *Server) process(o *order, due time.Time) {
	for i, q := range o.env.Requests {
		if q.State != cdek.StateAccepted || o.at[i].After(due) {
			continue
		}
		var st *cdek.Status
		switch q.Type {
		case cdek.RequestCreate:
			s.validate(o, i)
		case cdek.RequestDelete:
			st = s.deleteNow(o, i)
		case cdek.RequestCreateRefusal:
			st = s.refuseNow(o, i)
		}
		if st != nil {
			go s.push(o, *st)
		}
	}
}

// deleteNow processes a deletion: allowed only while there is no cargo
// movement, i.e. the order is CREATED (cdek.md §7); the order becomes
// REMOVED.
func (s *Server) deleteNow(o *order, i int) *cdek.Status {
	if cur := o.env.Entity.Current(); cur == nil || cur.Code != cdek.StatusCreated {
		o.settle(i, cdek.StateInvalid, cdek.Problem{Code: "v2_order_forbidden_to_delete", Message: "Заказ нельзя удалить: по нему уже есть движение"})
		return nil
	}
	o.settle(i, cdek.StateSuccessful)
	st := s.addStatus(o, cdek.Status{Code: cdek.StatusRemoved, Name: "Удален"})
	return &st
}

// refuseNow processes the buyer's refusal ordered by the shop: possible
// until the order is DELIVERED or NOT_DELIVERED; the order becomes
// NOT_DELIVERED with additional status 11 (cdek.md §7).
func (s *Server) refuseNow(o *order, i int) *cdek.Status {
	if cur := o.env.Entity.Current(); cur == nil || final(cur.Code) {
		o.settle(i, cdek.StateInvalid, cdek.Problem{Code: "v2_order_status_final", Message: "Отказ невозможен: заказ уже в конечном статусе"})
		return nil
	}
	o.settle(i, cdek.StateSuccessful)
	st := s.addStatus(o, cdek.Status{Code: cdek.StatusNotDelivered, Name: "Не вручен", City: "Офис СДЭК", ReasonCode: "11"})
	return &st
}

// Requests lists the requests made on an order, as GET shows them, without
// processing any.
func (s *Server) Requests(uuid string) []cdek.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.orders[uuid]; ok {
		return append([]cdek.Request(nil), o.env.Requests...)
	}
	return nil
}
