package moyskladtest

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/skladflow/skladflow/moysklad"
)

var attributeTypes = []string{"string", "text", "long", "double", "boolean", "time", "link"}

func (s *Server) listAttributes(w http.ResponseWriter, r *http.Request) {
	typ := r.PathValue("type")
	s.mu.Lock()
	rows := make([]any, 0, len(s.attrs[typ]))
	for _, a := range s.attrs[typ] {
		rows = append(rows, clone(a))
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, object{"meta": object{"href": s.base + "/entity/" + typ + "/metadata/attributes",
		"type": "attributemetadata", "mediaType": "application/json", "size": len(rows), "limit": 1000, "offset": 0}, "rows": rows})
}

// createAttribute adds a custom field; name and type are required.
func (s *Server) createAttribute(w http.ResponseWriter, r *http.Request) {
	typ := r.PathValue("type")
	var body object
	if !decodeBody(w, r, &body) {
		return
	}
	name, _ := body["name"].(string)
	kind, _ := body["type"].(string)
	if name == "" {
		writeError(w, http.StatusPreconditionFailed, apiError(3000, "Ошибка сохранения объекта: поле 'name' не может быть пустым или отсутствовать", "name"))
		return
	}
	if !slices.Contains(attributeTypes, kind) {
		writeError(w, http.StatusBadRequest, apiError(2016, fmt.Sprintf("Неизвестный тип доп. поля '%s'", kind), "type"))
		return
	}
	writeJSON(w, http.StatusOK, s.addAttribute(typ, name, kind))
}

// addAttribute creates a custom field unless one with the name exists.
func (s *Server) addAttribute(typ, name, kind string) object {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.attrs[typ] {
		if a["name"] == name {
			return clone(a)
		}
	}
	id := newID()
	a := object{"meta": object{"href": s.base + "/entity/" + typ + "/metadata/attributes/" + id,
		"type": "attributemetadata", "mediaType": "application/json"},
		"id": id, "name": name, "type": kind, "required": false, "show": true}
	s.attrs[typ] = append(s.attrs[typ], a)
	return clone(a)
}

// AddAttribute adds a custom field to a document type, as an administrator
// would in the settings (idempotent by name).
func (s *Server) AddAttribute(entityType, name, kind string) moysklad.Attribute {
	var a moysklad.Attribute
	decodeInto(s.addAttribute(entityType, name, kind), &a)
	return a
}

// mergeAttributes applies the attributes of a PUT: only those sent change,
// as in MoySklad. It runs under s.mu.
func (s *Server) mergeAttributes(typ string, current any, v any) ([]any, object) {
	list, ok := v.([]any)
	if !ok {
		return nil, apiError(2000, "Поле 'attributes' должно быть массивом", "attributes")
	}
	have, _ := current.([]any)
	out := clone(have)
	for i, item := range list {
		in, _ := item.(object)
		meta, _ := in["meta"].(object)
		if meta == nil || meta["href"] == nil || meta["type"] == nil {
			return nil, apiError(2010, fmt.Sprintf("Ошибка формата: отсутствует meta для attributes[%d]", i), "attributes")
		}
		id := idOf(in)
		var def object
		for _, a := range s.attrs[typ] {
			if a["id"] == id {
				def = a
			}
		}
		if def == nil {
			return nil, apiError(1021, "Доп. поле с UUID '"+id+"' не найдено", "attributes")
		}
		if _, isString := in["value"].(string); (def["type"] == "string" || def["type"] == "text") && !isString {
			return nil, apiError(3005, fmt.Sprintf("Значение доп. поля '%s' должно быть строкой", def["name"]), "attributes")
		}
		val := object{"meta": clone(def["meta"]), "id": id, "name": def["name"], "type": def["type"], "value": in["value"]}
		replaced := false
		for j, a := range out {
			if idOf(a) == id {
				out[j], replaced = val, true
			}
		}
		if !replaced {
			out = append(out, val)
		}
	}
	return out, nil
}
