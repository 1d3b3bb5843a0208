package moyskladtest

import (
	"fmt"
	"net/http"
)

// checkPosting refuses a document version that MoySklad would not save,
// checked on the whole version (what was stored merged with what was sent)
// so a POST and a PUT meet the same rules. It runs under s.mu and changes
// nothing.
func (s *Server) checkPosting(typ string, old, next object, oldRows, rows []object) (int, object) {
	if status, e := s.checkLinks(typ, old, next); e != nil {
		return status, e
	}
	if status, e := s.checkPeriod(typ, old, next); e != nil { // period.go
		return status, e
	}
	if posted, _ := next["applicable"].(bool); posted {
		// moysklad.md §4.1: a demand's store is required once it is posted.
		if typ == "demand" && !isRef(next["store"]) {
			return http.StatusPreconditionFailed, apiError(codeRequired,
				"Ошибка сохранения объекта: поле 'store' не может быть пустым или отсутствовать", "store")
		}
		// moysklad.md §4.1, §4.4: posting a move to the same store → 21000.
		if typ == "move" && refID(next["sourceStore"]) == refID(next["targetStore"]) {
			return http.StatusBadRequest, apiError(codeSameStore,
				"Нельзя провести перемещение на тот же склад", "targetStore")
		}
	}
	if status, e := s.checkUnpost(typ, old, next); e != nil {
		return status, e
	}
	if status, e := s.checkStock(typ, old, next, oldRows, rows); e != nil {
		return status, e
	}
	return s.checkThings(typ, old, next, oldRows, rows) // things.go
}

// codeHasReturn is moysklad.md §4.4's 17014: "cannot un-post a document
// that has a posted return". The HTTP status is not documented; 412
// (components/responses.yaml: "Ошибка валидации или ограничения") is the
// emulator's choice.
const codeHasReturn = 17014

// returnsOf names, per document type, the returns that link to it
// (moysklad.md §4.1 "Links": salesreturn → demand, purchasereturn → supply).
var returnsOf = map[string]struct{ typ, field string }{
	"demand": {"salesreturn", "demand"},
	"supply": {"purchasereturn", "supply"},
}

// checkUnpost refuses un-posting a demand or supply a posted return names.
func (s *Server) checkUnpost(typ string, old, next object) (int, object) {
	was, _ := old["applicable"].(bool)
	posted, _ := next["applicable"].(bool)
	ret, has := returnsOf[typ]
	if !was || posted || !has {
		return 0, nil
	}
	id, _ := old["id"].(string)
	for _, rid := range s.order[ret.typ] {
		r := s.entities[ret.typ][rid]
		if on, _ := r["applicable"].(bool); on && refID(r[ret.field]) == id {
			return http.StatusPreconditionFailed, apiError(codeHasReturn, fmt.Sprintf(
				"Нельзя снять проведение: по документу есть проведённый возврат '%v'", r["name"]), "applicable")
		}
	}
	return 0, nil
}

// linkFields are the links to other documents the emulator resolves
// (moysklad.md §4.1 "Links": demand → customerOrder, move → customerOrder,
// purchasereturn → supply, salesreturn → demand).
var linkFields = map[string]map[string]string{
	"demand":         {"customerOrder": "customerorder"},
	"move":           {"customerOrder": "customerorder"},
	"purchasereturn": {"supply": "supply"},
	"salesreturn":    {"demand": "demand"},
}

// checkLinks refuses a new link to a document that does not exist or is
// of another type, as MoySklad refuses an unknown reference (1021).
func (s *Server) checkLinks(docType string, old, next object) (int, object) {
	for field, typ := range linkFields[docType] {
		v, set := next[field]
		if !set || v == nil || (isRef(v) && refID(v) == refID(old[field])) {
			continue
		}
		if !isRef(v) || typeOf(v) != typ {
			return http.StatusBadRequest, apiError(2011, "Ошибка формата: неверный type для meta поля '"+field+"'", field)
		}
		if _, ok := s.entities[typ][idOf(v)]; !ok {
			return http.StatusNotFound, apiError(1021, "Объект с UUID '"+idOf(v)+"' не найден", field)
		}
	}
	return 0, nil
}

// SetApplicable posts (true) or un-posts a document as staff would; it
// fires UPDATE with updatedFields ["applicable"]. It refuses what MoySklad
// refuses (a shipment of goods not in stock when the account checks it)
// and then changes nothing.
func (s *Server) SetApplicable(entityType, id string, posted bool) error {
	s.mu.Lock()
	e, ok := s.entities[entityType][id]
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("moyskladtest: no %s %s", entityType, id)
	}
	next := clone(e)
	next["applicable"] = posted
	rows := s.positions[entityType+"/"+id]
	if _, errObj := s.checkPosting(entityType, e, next, rows, rows); errObj != nil {
		s.mu.Unlock()
		return fmt.Errorf("moyskladtest: код %v: %v", errObj["code"], errObj["error"])
	}
	next["updated"] = now()
	s.entities[entityType][id] = next
	s.mu.Unlock()
	s.fire(entityType, id, "UPDATE", []string{"applicable"}, s.opts.StaffUser, nil)
	return nil
}
