package moyskladtest

import (
	"encoding/json"
	"io"
	"net/http"
)

// templateBase is a base document a template may be built on: the field
// it is sent in, its type, and what the template takes from it.
type templateBase struct {
	field, typ string
	// stores maps a store field of the template to the base's field.
	stores map[string]string
}

// templateBases lists, per document type, the bases the spec names for
// PUT /entity/{type}/new (paths/documents/<types>/<type>-new.yaml). The
// emulator knows only the bases skladflow uses; enter-new.yaml names none.
var templateBases = map[string][]templateBase{
	// demand-new.yaml: "customerOrder или invoicesOut".
	"demand": {{field: "customerOrder", typ: "customerorder", stores: map[string]string{"store": "store"}}},
	// move-new.yaml: "internalOrder или customerOrder"; the order's store is
	// where goods leave from.
	"move": {{field: "customerOrder", typ: "customerorder", stores: map[string]string{"sourceStore": "store"}}},
	// salesreturn-new.yaml: "переданный demand".
	"salesreturn": {{field: "demand", typ: "demand", stores: map[string]string{"store": "store"}}},
	// loss-new.yaml: "переданный salesReturn".
	"loss": {{field: "salesReturn", typ: "salesreturn", stores: map[string]string{"store": "store"}}},
	// purchasereturn-new.yaml: "например, `supply`".
	"purchasereturn": {{field: "supply", typ: "supply", stores: map[string]string{"store": "store"}}},
	"enter":          nil,
	"supply":         nil,
	"customerorder":  nil,
}

// template answers PUT /entity/{type}/new: a prefilled document, not saved
// (no id, no meta). An empty body gives the defaults; a base document in
// the body gives its organization, agent, store and positions (the spec
// says "шаблон на основе документа"; what exactly is copied is not listed,
// so the emulator copies what the new document needs to be saved).
func (s *Server) template(w http.ResponseWriter, r *http.Request) {
	typ := r.PathValue("type")
	bases, ok := templateBases[typ]
	if !ok {
		writeError(w, http.StatusNotFound, apiError(1005, "Неизвестный адрес: '"+r.URL.Path+"'", ""))
		return
	}
	body := object{}
	if b, _ := io.ReadAll(r.Body); len(b) > 0 {
		if err := json.Unmarshal(b, &body); err != nil {
			writeError(w, http.StatusBadRequest, apiError(2000, "Ошибка формата JSON: "+err.Error(), ""))
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := object{"applicable": true, "moment": now(), "shared": false, "vatEnabled": true, "vatIncluded": true,
		"sum": 0.0, "organization": s.organization()}
	var rows []any
	for _, b := range bases {
		ref, sent := body[b.field]
		if !sent {
			continue
		}
		if typeOf(ref) != b.typ {
			writeError(w, http.StatusBadRequest, apiError(2011, "Ошибка формата: неверный type для meta поля '"+b.field+"'", b.field))
			return
		}
		id := idOf(ref)
		base, found := s.entities[b.typ][id]
		if !found {
			writeError(w, http.StatusNotFound, apiError(1021, "Объект с UUID '"+id+"' не найден", b.field))
			return
		}
		out[b.field] = object{"meta": s.meta(b.typ, id)}
		for _, k := range []string{"organization", "agent"} {
			if v, ok := base[k]; ok {
				out[k] = clone(v)
			}
		}
		for to, from := range b.stores {
			if v, ok := base[from]; ok && v != nil {
				out[to] = clone(v)
			}
		}
		for _, row := range s.positions[b.typ+"/"+id] {
			rows = append(rows, templateRow(row))
		}
	}
	out["positions"] = object{"meta": object{"type": documentTypes[typ], "mediaType": "application/json",
		"size": len(rows), "limit": 1000, "offset": 0}, "rows": nonNil(rows)}
	writeJSON(w, http.StatusOK, out)
}

// templateRow is a base document's line as a new line: what it sells and
// how much, without the base line's identity.
func templateRow(row object) object {
	out := object{}
	for _, k := range []string{"assortment", "quantity", "price", "discount", "vat", "vatEnabled", "things"} {
		if v, ok := row[k]; ok {
			out[k] = clone(v)
		}
	}
	return out
}

// typeOf returns a reference's meta.type.
func typeOf(v any) string {
	m, _ := v.(object)
	meta, _ := m["meta"].(object)
	t, _ := meta["type"].(string)
	return t
}
