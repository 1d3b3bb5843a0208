package fboxtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/skladflow/skladflow/fulfillment"
)

// setOutdocAttributes answers POST /outdocs/{id}/attributes (body
// indoc_attr_set_req: attributes[] with attribute_id and value, both
// required). The emulator keeps only attributes the spec marks read/write
// on any document; of those skladflow uses 657 (#outdoc_share_desc), so
// that is the one accepted here — a read-only or unknown id is refused
// with 1000 "unclassified" (#error_dict).
func (s *Server) setOutdocAttributes(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var q struct {
		Attributes []struct {
			AttributeID *int `json:"attribute_id"`
			Value       any  `json:"value"`
		} `json:"attributes"`
	}
	if err := json.NewDecoder(r.Body).Decode(&q); err != nil || q.Attributes == nil {
		s.fail(w, http.StatusBadRequest, 400, "Ожидается {\"attributes\":[{\"attribute_id\":N,\"value\":…}]}")
		return
	}
	for _, a := range q.Attributes {
		if a.AttributeID == nil || a.Value == nil {
			s.fail(w, http.StatusBadRequest, 400, "attribute_id и value обязательны")
			return
		}
		if *a.AttributeID != fulfillment.AttrCoordination {
			s.business(w, 1000, fmt.Sprintf("Атрибут %d нельзя изменить у исходящего документа", *a.AttributeID))
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, found := s.outdocs[id]; !found {
		s.fail(w, http.StatusNotFound, 404, "Документ не найден")
		return
	}
	if s.outAttrs == nil {
		s.outAttrs = map[int64]map[int]any{}
	}
	if s.outAttrs[id] == nil {
		s.outAttrs[id] = map[int]any{}
	}
	for _, a := range q.Attributes {
		s.outAttrs[id][*a.AttributeID] = a.Value
	}
	ok(w, nil)
}

// OutdocAttribute is an attribute a client set on an outgoing document.
func (s *Server) OutdocAttribute(outdocID int64, attributeID int) (any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, found := s.outAttrs[outdocID][attributeID]
	return v, found
}
