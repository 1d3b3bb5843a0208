package moyskladtest

import (
	"context"
	"net/http"
)

// Mass create and update (moysklad.md §3.3, §4.2; doc md/_general.md
// «Создание и обновление нескольких объектов»): POST /entity/{type} with
// an array. Elements with a meta update that entity, the others are
// created; at most 1000 elements. The answer is 200 with an array in the
// request's order: each element the entity, or {"errors":[…]} without a
// meta (spec components/schemas/common/entityBase.yaml,
// BatchResponseEntity). The spec mounts the operation at
// /entity/{type}/batch (paths/documents/supplies/supplies-batch.yaml and
// the other *-batch.yaml); the doc and its examples POST the array to
// /entity/{type} itself, which the emulator follows.
//
// Where the reference is silent, the emulator's choices:
//   - elements are independent: a refused element changes nothing and
//     rolls nothing else back (the spec's per-element errors imply it);
//   - each element is checked and applied exactly as a single PUT or POST
//     is (update, createOne), one after the other, in the request's order;
//   - the whole request is one request for the rate and parallel limits
//     (§5.3 counts requests) and is not a PUT for the flood rule (flood.go);
//   - the 5-minute bound (error 1088) is not emulated: the emulator is fast.

// maxArray is MoySklad's bound on any array in a request (§4.2: 1000,
// 413 with 2007).
const maxArray = 1000

// massPost answers a mass create and update of typ.
func (s *Server) massPost(w http.ResponseWriter, r *http.Request, typ string, items []any) {
	noteElements(r, len(items))
	if len(items) == 0 || len(items) > maxArray {
		// The spec's minItems 1, maxItems 1000; §4.2: 413, error 2007.
		writeError(w, http.StatusRequestEntityTooLarge, apiError(2007,
			"Ошибка формата: слишком большое число вложенных объектов", ""))
		return
	}
	expand, prefixes := expandSet(r), r.Header.Values(prefixHeader)
	out := make([]any, len(items))
	for i, item := range items {
		res, errObj := s.massElement(typ, item, expand, prefixes)
		if errObj != nil {
			out[i] = object{"errors": []any{errObj}}
			continue
		}
		out[i] = res
	}
	writeJSON(w, http.StatusOK, out)
}

// massElement updates (with a meta) or creates (without) one element.
func (s *Server) massElement(typ string, item any, expand map[string]bool, prefixes []string) (object, object) {
	body, ok := item.(object)
	if !ok {
		return nil, apiError(1027, "Запрос не содержит объектов", "")
	}
	if _, hasMeta := body["meta"]; !hasMeta {
		out, _, errObj := s.createOne(typ, body, expand, prefixes)
		return out, errObj
	}
	id, errObj := metaID(typ, body["meta"])
	if errObj != nil {
		return nil, errObj
	}
	out, _, errObj := s.update(typ, id, body, expand, prefixes, s.massWrites)
	return out, errObj
}

// metaID is the id an element's meta names; the meta must be complete
// and of the request's type, as a reference field's must (§3.4: 2010
// without href, 2011 without type; md/_errors.md 1060 for another type).
func metaID(typ string, v any) (string, object) {
	meta, _ := v.(object)
	href, _ := meta["href"].(string)
	if href == "" {
		return "", apiError(2010, "Ошибка формата: отсутствует href для meta", "meta")
	}
	switch meta["type"] {
	case nil:
		return "", apiError(2011, "Ошибка формата: отсутствует type для meta", "meta")
	case typ:
	default:
		return "", apiError(1060, "Некорректный тип данных в meta сущности, поле type", "meta")
	}
	return idOf(object{"meta": meta}), nil
}

// requestNote is what a handler tells the guard about its request for
// the request log: the elements of an array body.
type requestNote struct {
	elements int
	mass     bool
}

type noteKey struct{}

func withNote(r *http.Request) (*http.Request, *requestNote) {
	n := &requestNote{}
	return r.WithContext(context.WithValue(r.Context(), noteKey{}, n)), n
}

// noteElements records a mass request of n elements.
func noteElements(r *http.Request, n int) {
	if note, ok := r.Context().Value(noteKey{}).(*requestNote); ok {
		note.elements, note.mass = n, true
	}
}

// MassUpdates counts the mass create-and-update requests to entityType
// (POST entity/{type} with an array) the emulator answered, whatever the
// answer, and the elements they carried.
func (s *Server) MassUpdates(entityType string) (requests, elements int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.requests {
		if r.Mass && r.Method == http.MethodPost && r.Path == "/entity/"+entityType {
			requests++
			elements += r.Elements
		}
	}
	return requests, elements
}

// ListRequests counts the GET requests for the collection of entityType
// (entity/{type}, any query) the emulator answered, whatever the answer.
func (s *Server) ListRequests(entityType string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.Method == http.MethodGet && r.Path == "/entity/"+entityType {
			n++
		}
	}
	return n
}
