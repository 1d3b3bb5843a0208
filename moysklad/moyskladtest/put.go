package moyskladtest

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"unicode/utf8"
)

// readOnly fields are ignored in a PUT, as MoySklad ignores them.
var readOnly = map[string]bool{"id": true, "accountId": true, "meta": true, "created": true, "updated": true,
	"sum": true, "vatSum": true, "payedSum": true, "printed": true, "published": true, "deleted": true,
	// spec customerOrder.yaml: readOnly sums.
	"reservedSum": true, "shippedSum": true, "invoicedSum": true,
	// An order's demands are the demands that name it (links.go): the
	// emulator keeps the link on the demand's side only.
	"demands": true}

// put is a partial update: only sent fields change; positions, when sent,
// replace all rows.
func (s *Server) put(w http.ResponseWriter, r *http.Request) {
	typ, id := r.PathValue("type"), r.PathValue("id")
	if typ == "webhook" {
		s.putWebhook(w, r)
		return
	}
	var body object
	if !decodeBody(w, r, &body) {
		return
	}
	out, status, errObj := s.update(typ, id, body, expandSet(r), r.Header.Values(prefixHeader), s.puts)
	if errObj != nil {
		writeError(w, status, errObj)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// prefixHeader names the writes whose webhooks are not fired (§2.4).
const prefixHeader = "X-Lognex-WebHook-DisableByPrefix"

// update is one partial update, the core a PUT and a mass update's
// element share (batch.go): validated and applied by apply, counted in
// count (s.puts or s.massWrites), rendered with expand, and UPDATE fired
// to subscribers unless the writer's prefixes exclude them. A refusal
// changes nothing and fires nothing.
func (s *Server) update(typ, id string, body object, expand map[string]bool, prefixes []string, count map[string]int) (object, int, object) {
	s.mu.Lock()
	changed, status, errObj := s.apply(typ, id, body)
	if errObj != nil {
		s.mu.Unlock()
		return nil, status, errObj
	}
	count[typ+"/"+id]++
	out, _ := s.render(typ, id, expand)
	s.mu.Unlock()
	s.fire(typ, id, "UPDATE", changed, s.opts.APIUser, prefixes)
	return out, http.StatusOK, nil
}

// apply validates and applies a partial update; it runs under s.mu and
// changes nothing when it refuses.
func (s *Server) apply(typ, id string, body object) (changed []string, status int, errObj object) {
	e, ok := s.entities[typ][id]
	if !ok {
		return nil, http.StatusNotFound, apiError(1021, "Объект с UUID '"+id+"' не найден", "")
	}
	next := clone(e)
	var rows []object
	positionsSent := false
	for k, v := range body {
		if readOnly[k] {
			continue
		}
		switch k {
		case "description":
			if str, _ := v.(string); utf8.RuneCountInString(str) > 4096 {
				// MoySklad documents String(4096); whether it refuses or cuts a
				// longer text is unconfirmed. Refusing makes clients prove they cut.
				return nil, http.StatusBadRequest, apiError(3005,
					"Ошибка сохранения объекта: значение поля 'description' превышает 4096 символов", "description")
			}
		case "state":
			if v != nil {
				if status, e := s.checkState(typ, v); e != nil {
					return nil, status, e
				}
			}
		case "attributes":
			merged, errObj := s.mergeAttributes(typ, next["attributes"], v)
			if errObj != nil {
				return nil, http.StatusBadRequest, errObj
			}
			v = merged
		case "positions":
			if _, isDoc := documentTypes[typ]; !isDoc {
				continue
			}
			list, ok := v.([]any)
			if !ok {
				return nil, http.StatusBadRequest, apiError(2000, "Поле 'positions' должно быть массивом", "positions")
			}
			var errObj object
			if rows, errObj = s.replacePositions(typ, id, list); errObj != nil {
				return nil, http.StatusBadRequest, errObj
			}
			positionsSent = true
			changed = append(changed, "positions")
			continue
		}
		if m, isRef := v.(object); isRef {
			if meta, hasMeta := m["meta"].(object); hasMeta && meta["type"] == nil {
				return nil, http.StatusBadRequest, apiError(2011, "Ошибка формата: отсутствует type для meta поля '"+k+"'", k)
			}
		}
		next[k] = v
		changed = append(changed, k)
	}
	oldRows := s.positions[typ+"/"+id]
	if !positionsSent {
		rows = oldRows
	}
	if status, errObj := s.checkPosting(typ, e, next, oldRows, rows); errObj != nil {
		return nil, status, errObj
	}
	next["updated"] = now()
	s.entities[typ][id] = next
	s.positions[typ+"/"+id] = rows
	sort.Strings(changed)
	return slices.Compact(changed), http.StatusOK, nil
}

func (s *Server) checkState(typ string, v any) (int, object) {
	m, _ := v.(object)
	meta, _ := m["meta"].(object)
	if meta == nil || meta["href"] == nil {
		return http.StatusBadRequest, apiError(2010, "Ошибка формата: отсутствует href для meta поля 'state'", "state")
	}
	if meta["type"] == nil {
		return http.StatusBadRequest, apiError(2011, "Ошибка формата: отсутствует type для meta поля 'state'", "state")
	}
	st := s.stateByHref(v)
	if st == nil {
		return http.StatusBadRequest, apiError(11001, fmt.Sprintf("Статус '%s' не найден", idOf(v)), "state")
	}
	if st["entityType"] != typ {
		return http.StatusBadRequest, apiError(11002, fmt.Sprintf("Статус с id '%s' не принадлежит данному типу документа", st["id"]), "state")
	}
	return 0, nil
}

// replacePositions builds the new row set: rows with a known id are merged,
// rows without one are added, rows not sent are gone.
func (s *Server) replacePositions(typ, docID string, list []any) ([]object, object) {
	if len(list) > 1000 {
		return nil, apiError(2007, "Превышено максимальное количество элементов в массиве: 1000", "positions")
	}
	old := map[string]object{}
	for _, row := range s.positions[typ+"/"+docID] {
		old[row["id"].(string)] = row
	}
	var out []object
	for i, item := range list {
		in, ok := item.(object)
		if !ok {
			return nil, apiError(2000, fmt.Sprintf("positions[%d] должна быть объектом", i), "positions")
		}
		var row object
		if id, _ := in["id"].(string); id != "" {
			prev, known := old[id]
			if !known {
				return nil, apiError(1021, "Позиция с UUID '"+id+"' не найдена", "positions")
			}
			row = clone(prev)
		} else {
			if _, hasQty := in["quantity"]; !hasQty {
				return nil, apiError(3000, "Ошибка сохранения объекта: поле 'quantity' не может быть пустым или отсутствовать", "quantity")
			}
			if s.assortmentOf(in["assortment"]) == nil {
				return nil, apiError(3000, "Ошибка сохранения объекта: поле 'assortment' не может быть пустым или отсутствовать", "assortment")
			}
			pid := newID()
			row = object{"id": pid, "accountId": s.account, "price": 0.0, "discount": 0.0, "vat": 0,
				"meta": object{"href": s.base + "/entity/" + typ + "/" + docID + "/positions/" + pid,
					"type": documentTypes[typ], "mediaType": "application/json"}}
		}
		for k, v := range in {
			if k == "meta" || k == "id" || k == "accountId" {
				continue
			}
			if k == "assortment" {
				// An expanded product is accepted as a reference, like MoySklad does.
				if m, ok := v.(object); ok {
					v = object{"meta": m["meta"]}
				}
			}
			row[k] = v
		}
		if e := s.checkRow(i, row); e != nil {
			return nil, e
		}
		out = append(out, row)
	}
	return out, nil
}

// PutCount counts successful PUTs of a document through the HTTP API.
// Elements of a mass update are not PUTs: UpdateCount counts both.
func (s *Server) PutCount(entityType, id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.puts[entityType+"/"+id]
}

// UpdateCount counts the successful updates of a document through the
// HTTP API: its PUTs and the mass-update elements that changed it.
func (s *Server) UpdateCount(entityType, id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.puts[entityType+"/"+id] + s.massWrites[entityType+"/"+id]
}
