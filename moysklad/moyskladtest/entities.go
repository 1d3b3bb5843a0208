package moyskladtest

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

var documentTypes = map[string]string{"supply": "supplyposition", "move": "moveposition",
	"demand": "demandposition", "customerorder": "customerorderposition",
	"enter": "enterposition", "loss": "lossposition", "salesreturn": "salesreturnposition",
	"purchasereturn": "purchasereturnposition"}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	const p = "/api/remap/1.2/entity/"
	mux.HandleFunc("DELETE "+p+"{type}/{id}", s.deleteDocument)
	mux.HandleFunc("GET /api/remap/1.2/context/companysettings", s.companySettings)
	mux.HandleFunc("PUT /api/remap/1.2/context/companysettings", s.putCompanySettings)
	mux.HandleFunc("GET "+p+"webhook", s.listWebhooks)
	mux.HandleFunc("POST "+p+"webhook", s.createWebhooks)
	mux.HandleFunc("DELETE "+p+"webhook/{id}", s.deleteWebhook)
	mux.HandleFunc("GET "+p+"{type}/metadata", s.metadata)
	mux.HandleFunc("POST "+p+"{type}/metadata/states", s.createStates)
	mux.HandleFunc("GET "+p+"{type}/metadata/attributes", s.listAttributes)
	mux.HandleFunc("POST "+p+"{type}/metadata/attributes", s.createAttribute)
	mux.HandleFunc("GET "+p+"{type}", s.list)
	mux.HandleFunc("POST "+p+"{type}", s.create)
	mux.HandleFunc("PUT "+p+"{type}/new", s.template)
	mux.HandleFunc("GET "+p+"{type}/{id}", s.get)
	mux.HandleFunc("PUT "+p+"{type}/{id}", s.put)
	mux.HandleFunc("GET "+p+"{type}/{id}/positions", s.listPositions)
	mux.HandleFunc("GET "+p+"bundle/{id}/components", s.listComponents)
	s.reportRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, apiError(1005, "Неизвестный адрес: '"+r.URL.Path+"'", ""))
	})
	return s.guard(mux)
}

func notFound(w http.ResponseWriter, typ, id string) {
	writeError(w, http.StatusNotFound, apiError(1021, "Объект с UUID '"+id+"' не найден", ""))
}

// nestedPage is the key an expand set carries when the answer goes over
// HTTP: an expanded document's positions then hold at most nestedLimit
// rows, the rest is paged through /positions (§4.3: the doc's expanded
// positions meta says "limit": 1000). The Go API (Document) reads every
// row.
const nestedPage = "nested-page"

// nestedLimit is the rows of an expanded nested collection.
const nestedLimit = 1000

func expandSet(r *http.Request) map[string]bool {
	out := map[string]bool{fieldsStock: wantsStock(r), nestedPage: true} // positionstock.go
	for _, e := range strings.Split(r.URL.Query().Get("expand"), ",") {
		if e = strings.TrimSpace(e); e != "" {
			out[e] = true
			for i, c := range e {
				if c == '.' {
					out[e[:i]] = true // "positions.assortment" expands positions too
				}
			}
		}
	}
	return out
}

// render returns an entity as the API answers it, with expand applied.
// It runs under s.mu.
func (s *Server) render(typ, id string, expand map[string]bool) (object, bool) {
	e, ok := s.entities[typ][id]
	if !ok {
		return nil, false
	}
	out := clone(e)
	if posType, isDoc := documentTypes[typ]; isDoc {
		rows := s.positions[typ+"/"+id]
		size := len(rows)
		meta := object{"href": s.base + "/entity/" + typ + "/" + id + "/positions", "type": posType,
			"mediaType": "application/json", "size": size, "limit": 1000, "offset": 0}
		s.renderSums(typ, id, out, rows)
		if expand["positions"] {
			if expand[nestedPage] && len(rows) > nestedLimit {
				rows = rows[:nestedLimit]
			}
			shipped := s.shippedFor(typ, id)
			rendered := make([]any, 0, len(rows))
			withStock := expand[fieldsStock] && positionStockTypes[typ]
			for _, row := range rows {
				line := withShipped(s.renderPosition(row, expand["positions.assortment"], expand["positions.assortment.product"]), shipped)
				if withStock {
					line["stock"] = s.positionStock(refID(s.entities[typ][id]["store"]), row)
				}
				rendered = append(rendered, line)
			}
			out["positions"] = object{"meta": meta, "rows": rendered}
		} else {
			out["positions"] = object{"meta": meta}
		}
	}
	if expand["state"] {
		if st := s.stateByHref(out["state"]); st != nil {
			out["state"] = clone(st)
		}
	}
	for f, t := range map[string]string{"store": "store", "sourceStore": "store", "targetStore": "store", "agent": "counterparty",
		"salesChannel": "saleschannel", "customerOrder": "customerorder", "organization": "organization",
		"product": "product"} { // a variant's product (spec dictionary/variant.yaml)
		if !expand[f] || !isRef(out[f]) {
			continue
		}
		if _, isDoc := documentTypes[t]; isDoc {
			if doc, ok := s.render(t, idOf(out[f]), nil); ok {
				out[f] = doc
			}
		} else if st, ok := s.entities[t][idOf(out[f])]; ok {
			out[f] = clone(st)
		}
	}
	return out, true
}

// renderPosition renders a line, its item expanded on request, and a
// variant item's product with it (assortment.product, §4.3: nested expand
// up to depth 3). Unconfirmed: that MoySklad ignores the nested expand on
// lines whose item has no product (a product, a service), as the emulator
// does; the reference does not say.
func (s *Server) renderPosition(row object, expandAssortment, expandProduct bool) object {
	out := clone(row)
	if expandAssortment {
		if a := s.assortmentOf(out["assortment"]); a != nil {
			item := clone(a)
			if p, ok := s.entities["product"][idOf(item["product"])]; ok && expandProduct {
				item["product"] = clone(p)
			}
			out["assortment"] = item
		}
	}
	return out
}

// stateByHref finds a state (of any type) by a reference's href.
func (s *Server) stateByHref(ref any) object {
	id := idOf(ref)
	for _, sts := range s.states {
		for _, st := range sts {
			if st["id"] == id {
				return st
			}
		}
	}
	return nil
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	typ, id := r.PathValue("type"), r.PathValue("id")
	if typ == "webhook" {
		s.getWebhook(w, r)
		return
	}
	s.mu.Lock()
	out, ok := s.render(typ, id, expandSet(r))
	s.mu.Unlock()
	if !ok {
		notFound(w, typ, id)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) listPositions(w http.ResponseWriter, r *http.Request) {
	typ, id := r.PathValue("type"), r.PathValue("id")
	limit, offset, ok := paging(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, found := s.entities[typ][id]; !found {
		notFound(w, typ, id)
		return
	}
	rows := s.positions[typ+"/"+id]
	set := expandSet(r)
	expand := set["assortment"] && limit <= 100
	var out []any
	shipped := s.shippedFor(typ, id)
	for i := offset; i < len(rows) && i < offset+limit; i++ {
		out = append(out, withShipped(s.renderPosition(rows[i], expand, set["assortment.product"]), shipped))
	}
	writeJSON(w, http.StatusOK, object{"meta": object{"href": s.base + "/entity/" + typ + "/" + id + "/positions",
		"type": documentTypes[typ], "size": len(rows), "limit": limit, "offset": offset}, "rows": nonNil(out)})
}

func nonNil(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

func paging(w http.ResponseWriter, r *http.Request) (limit, offset int, ok bool) {
	limit, offset = 1000, 0
	q := r.URL.Query()
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, http.StatusBadRequest, apiError(1002, "Неверное значение параметра 'limit'", "limit"))
			return 0, 0, false
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, apiError(1002, "Неверное значение параметра 'offset'", "offset"))
			return 0, 0, false
		}
		offset = n
	}
	return limit, offset, true
}

// list answers a collection with filter (same key = OR, different keys =
// AND; doc md/_general.md «Фильтрация выборки с помощью параметра
// filter»), limit and offset. Like MoySklad, expand is ignored above
// limit 100 (§4.3), silently.
//
// filter=id=<uuid> is documented (md/_general.md «Фильтрация по полям типа
// ID»), and so is the OR of repeated equal conditions (§3.4's state.name
// example), but the reference does not show the two together:
// filter=id=a;id=b is unconfirmed. Options.RefuseIDFilter answers it as
// the emulator answers a filter it does not take (report.go): 400, code
// 1002, parameter "filter". MoySklad's own code for a filter it refuses
// is not documented for this case (md/_errors.md has 1030 "a filter field
// may be given only once" and 1034 "Ошибка фильтрации").
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	typ := r.PathValue("type")
	limit, offset, ok := paging(w, r)
	if !ok {
		return
	}
	conds := map[string][]string{}
	if f := r.URL.Query().Get("filter"); f != "" {
		for _, c := range strings.Split(f, ";") {
			k, v, found := strings.Cut(c, "=")
			if !found {
				writeError(w, http.StatusBadRequest, apiError(1002, "Неверный фильтр: '"+c+"'", "filter"))
				return
			}
			if k == "id" && s.opts.RefuseIDFilter {
				writeError(w, http.StatusBadRequest, apiError(1002, "Неверный фильтр: фильтрация по полю 'id' не поддерживается", "filter"))
				return
			}
			conds[k] = append(conds[k], v)
		}
	}
	expand := expandSet(r)
	if limit > 100 {
		expand = nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var rows []any
	for _, id := range s.order[typ] {
		e := s.entities[typ][id]
		if !s.matches(e, conds) {
			continue
		}
		out, _ := s.render(typ, id, expand)
		rows = append(rows, out)
	}
	size := len(rows)
	page := rows[min(offset, size):min(offset+limit, size)]
	writeJSON(w, http.StatusOK, object{"meta": object{"href": s.base + "/entity/" + typ, "type": typ,
		"mediaType": "application/json", "size": size, "limit": limit, "offset": offset}, "rows": nonNil(page)})
}

func (s *Server) matches(e object, conds map[string][]string) bool {
	for k, vals := range conds {
		var got string
		switch k {
		case "state.name":
			if st := s.stateByHref(e["state"]); st != nil {
				got, _ = st["name"].(string)
			}
		case "state":
			if ref, ok := e["state"].(object); ok {
				got, _ = ref["meta"].(object)["href"].(string)
			}
		case "id": // md/_general.md «Фильтрация по полям типа ID»; see list
			got, _ = e["id"].(string)
		default:
			got, _ = e[k].(string)
		}
		if !slices.Contains(vals, got) {
			return false
		}
	}
	return true
}

// maxBody is the largest request body (§4.2: ≤20 MB). md/_errors.md's
// 1044 "Превышен максимальный размер запроса" says 10 MB; the reference's
// 20 MB is what the emulator enforces, with 413 (§5.4: "size or >1000
// elements").
const maxBody = 20 << 20

func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(v)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeError(w, http.StatusRequestEntityTooLarge, apiError(1044, "Превышен максимальный размер запроса", ""))
		return false
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, apiError(2000, "Ошибка формата JSON: "+err.Error(), ""))
		return false
	}
	return true
}
