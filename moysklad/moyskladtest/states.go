package moyskladtest

import (
	"net/http"

	"github.com/skladflow/skladflow/moysklad"
)

func (s *Server) metadata(w http.ResponseWriter, r *http.Request) {
	typ := r.PathValue("type")
	s.mu.Lock()
	states := clone(s.states[typ])
	attrs := len(s.attrs[typ])
	s.mu.Unlock()
	if states == nil {
		states = []object{}
	}
	writeJSON(w, http.StatusOK, object{
		"meta": object{"href": s.base + "/entity/" + typ + "/metadata", "mediaType": "application/json"},
		"attributes": object{"meta": object{"href": s.base + "/entity/" + typ + "/metadata/attributes",
			"type": "attributemetadata", "mediaType": "application/json", "size": attrs, "limit": 1000, "offset": 0}},
		"states":       states,
		"createShared": false,
	})
}

// createStates takes one state or an array of them; name, color and
// stateType are required.
func (s *Server) createStates(w http.ResponseWriter, r *http.Request) {
	typ := r.PathValue("type")
	var body any
	if !decodeBody(w, r, &body) {
		return
	}
	items, isArray := body.([]any)
	if !isArray {
		items = []any{body}
	}
	var out []object
	for _, it := range items {
		m, _ := it.(object)
		for _, f := range []string{"name", "color", "stateType"} {
			if m[f] == nil {
				writeError(w, http.StatusPreconditionFailed, apiError(3000,
					"Ошибка сохранения объекта: поле '"+f+"' не может быть пустым или отсутствовать", f))
				return
			}
		}
		name, _ := m["name"].(string)
		kind, _ := m["stateType"].(string)
		color, _ := m["color"].(float64)
		out = append(out, s.addState(typ, name, kind, int64(color)))
	}
	if isArray {
		writeJSON(w, http.StatusOK, out)
		return
	}
	writeJSON(w, http.StatusOK, out[0])
}

// addState creates a state unless one with the name exists.
func (s *Server) addState(typ, name, kind string, color int64) object {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.states[typ] {
		if st["name"] == name {
			return clone(st)
		}
	}
	id := newID()
	st := object{
		"meta": object{"href": s.base + "/entity/" + typ + "/metadata/states/" + id,
			"metadataHref": s.base + "/entity/" + typ + "/metadata", "type": "state", "mediaType": "application/json"},
		"id": id, "accountId": s.account, "name": name, "color": color, "stateType": kind, "entityType": typ,
	}
	s.states[typ] = append(s.states[typ], st)
	return clone(st)
}

// AddState adds a status to a document type (idempotent by name).
func (s *Server) AddState(entityType, name, stateType string) moysklad.State {
	if stateType == "" {
		stateType = moysklad.StateRegular
	}
	var st moysklad.State
	decodeInto(s.addState(entityType, name, stateType, 0x3F48CC), &st)
	return st
}
