package moyskladtest

import (
	"fmt"
	"net/http"
	"regexp"
)

// Codes of refused creates. 3000 (required field) and 3006 (uniqueness)
// are MoySklad's (moysklad.md §5.4); that a repeated syncId is refused
// with 3006 and HTTP 412 is the emulator's choice: the reference does not
// say what MoySklad does with it, and the spec's 412 is "Ошибка валидации
// или ограничения (уникальность, …)" (components/responses.yaml). Refusing
// is the safe side: a client that survives a refusal also survives MoySklad
// answering the existing document.
const (
	codeRequired  = 3000
	codeNotUnique = 3006
	codeSameStore = 21000
)

// uuidPattern is syncId's format (spec: "format: uuid").
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// required lists the fields a new document must carry (moysklad.md §4.1:
// organization always; agent on supply, demand, customerorder; store on
// supply, enter, salesreturn; both stores on a move; agent and store on a
// purchasereturn, whose organization is "not marked required"). The
// reference names no required store for a loss, so none is enforced.
var required = map[string][]string{
	"supply":         {"organization", "agent", "store"},
	"demand":         {"organization", "agent"},
	"customerorder":  {"organization", "agent"},
	"enter":          {"organization", "store"},
	"salesreturn":    {"organization", "store"},
	"loss":           {"organization"},
	"move":           {"organization", "sourceStore", "targetStore"},
	"purchasereturn": {"agent", "store"},
}

// create answers POST /entity/{type} (spec paths/documents/<types>/<types>.yaml,
// "post"): the body is the document, positions an array. It is saved as a
// PUT would save it, visible to GET, list (filter=syncId=…) and PUT, and
// fires CREATE like a staff-made document. An array body is a mass create
// and update (batch.go).
func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	typ := r.PathValue("type")
	var body any
	if !decodeBody(w, r, &body) {
		return
	}
	if items, isArray := body.([]any); isArray {
		s.massPost(w, r, typ, items)
		return
	}
	doc, isObject := body.(object)
	if !isObject {
		writeError(w, http.StatusBadRequest, apiError(1027, "Запрос не содержит объектов", ""))
		return
	}
	out, status, errObj := s.createOne(typ, doc, expandSet(r), r.Header.Values(prefixHeader))
	if errObj != nil {
		writeError(w, status, errObj)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// createOne is one create, the core a POST and a mass create's element
// share: checked by checkCreate, saved by apply as a PUT saves, rendered
// with expand, and CREATE fired unless the writer's prefixes exclude the
// subscriber. A refusal saves nothing.
func (s *Server) createOne(typ string, body object, expand map[string]bool, prefixes []string) (object, int, object) {
	if _, ok := documentTypes[typ]; !ok {
		return nil, http.StatusMethodNotAllowed, apiError(0, "Создание '"+typ+"' эмулятором не поддерживается", "")
	}
	s.mu.Lock()
	if status, errObj := s.checkCreate(typ, body); errObj != nil {
		s.mu.Unlock()
		return nil, status, errObj
	}
	id := newID()
	e := s.newDocument(typ, id) // before indexing: it makes the type's map
	s.entities[typ][id] = e
	if _, status, errObj := s.apply(typ, id, body); errObj != nil {
		delete(s.entities[typ], id)
		s.mu.Unlock()
		return nil, status, errObj
	}
	s.order[typ] = append(s.order[typ], id)
	out, _ := s.render(typ, id, expand)
	s.mu.Unlock()
	s.fire(typ, id, "CREATE", nil, s.opts.APIUser, prefixes)
	return out, http.StatusOK, nil
}

// checkCreate refuses what MoySklad would not create; it runs under s.mu.
func (s *Server) checkCreate(typ string, body object) (int, object) {
	for _, k := range required[typ] {
		if !isRef(body[k]) {
			return http.StatusPreconditionFailed, apiError(codeRequired,
				"Ошибка сохранения объекта: поле '"+k+"' не может быть пустым или отсутствовать", k)
		}
	}
	// Rules on the saved version (a posted demand's store, a move's stores,
	// links, stock) are checked by apply, for POST and PUT alike
	// (posting.go).
	v, sent := body["syncId"]
	if !sent || v == nil {
		return 0, nil
	}
	sid, _ := v.(string)
	if !uuidPattern.MatchString(sid) {
		// The spec says format uuid; the code of the refusal is unconfirmed.
		return http.StatusBadRequest, apiError(2000, fmt.Sprintf("Ошибка формата: значение поля 'syncId' не является UUID: %v", v), "syncId")
	}
	for _, e := range s.entities[typ] {
		if e["syncId"] == sid {
			return http.StatusPreconditionFailed, apiError(codeNotUnique,
				"Ошибка сохранения объекта: значение поля 'syncId' не уникально", "syncId")
		}
	}
	return 0, nil
}

// newDocument is an empty saved document of typ, shaped by the reference
// fixture (so clients meet every field MoySklad sends) and numbered like
// MoySklad numbers documents; it runs under s.mu.
func (s *Server) newDocument(typ, id string) object {
	if s.entities[typ] == nil {
		s.entities[typ] = map[string]object{}
	}
	e := fixture(typ)
	for _, k := range []string{"positions", "state", "attributes", "shipmentAddress", "shipmentAddressFull", "demands",
		"moves", "payments", "purchaseOrders", "invoicesOut", "productionTasks", "prepayments", "customerOrder", "files",
		"organization", "organizationAccount", "agent", "agentAccount", "store", "sourceStore", "targetStore", "demand",
		"salesReturn", "losses", "returns", "factureOut", "factureIn", "internalOrder", "contract", "project",
		"salesChannel", "overhead", "syncId", "code", "supply"} {
		delete(e, k)
	}
	e["meta"], e["id"], e["accountId"] = s.meta(typ, id), id, s.account
	e["name"], e["description"], e["applicable"] = fmt.Sprintf("%05d", len(s.order[typ])+1), "", true
	e["created"], e["updated"], e["moment"] = now(), now(), now()
	e["externalCode"], e["sum"] = id[:12], 0.0
	return e
}

// isRef reports a reference: an object with a meta.
func isRef(v any) bool {
	m, _ := v.(object)
	_, ok := m["meta"].(object)
	return ok
}
