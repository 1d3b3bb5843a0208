package moyskladtest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The short stock report, «Краткий отчёт об остатках» (official doc
// source/includes/reports/_report_stock.md, «Краткий отчет об остатках»):
// GET /report/stock/bystore/current and /report/stock/all/current answer a
// bare JSON array of {assortmentId, storeId, <stockType>}, the value keyed
// by the stockType asked for, with no paging and no sorting. The emulator
// computes it from its per-store stock (stock.go) for products and
// variants: services have no stock and a bundle's stock is its
// components', so neither has lines (the doc: «товары, модификации и
// серии»; the emulator has no series).

// reportWeight is what a stock report request takes of the rate-limit
// bucket, whatever the auth (moysklad.md §5.3).
const reportWeight = 5

// reportPaths are the requests reportWeight applies to.
var reportPaths = []string{"/report/stock/all", "/report/stock/bystore"}

// isReport reports a stock report request (path without the API root).
func isReport(method, path string) bool {
	return method == http.MethodGet && slices.ContainsFunc(reportPaths, func(p string) bool { return strings.HasPrefix(path, p) })
}

// stockTypes are the doc's «Параметр stockType» values; stock is the
// default.
var stockTypes = []string{"stock", "freeStock", "quantity", "reserve", "inTransit"}

// reportQuery is a parsed report request.
type reportQuery struct {
	stockType string
	zeroLines bool
	items     map[string]bool // assortmentId filter, nil = all
	stores    map[string]bool // storeId filter, nil = all
}

// reportLine is one item at one store ("" = no store: reserve of customer
// orders without a store).
type reportLine struct {
	item, store string
	value       float64
}

func (s *Server) reportRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/remap/1.2/report/stock/bystore/current", func(w http.ResponseWriter, r *http.Request) {
		s.stockReport(w, r, true)
	})
	mux.HandleFunc("GET /api/remap/1.2/report/stock/all/current", func(w http.ResponseWriter, r *http.Request) {
		s.stockReport(w, r, false)
	})
}

func (s *Server) stockReport(w http.ResponseWriter, r *http.Request, byStore bool) {
	q, errObj := parseReportQuery(r)
	if errObj != nil {
		writeError(w, http.StatusBadRequest, errObj)
		return
	}
	s.mu.Lock()
	lines := s.reportLines(q)
	s.mu.Unlock()
	if !byStore {
		lines = sumStores(lines)
	}
	out := make([]object, 0, len(lines))
	for _, l := range lines {
		if l.value == 0 && !q.zeroLines {
			continue // the doc, «Параметр include»: only non-zero lines by default
		}
		row := object{"assortmentId": l.item, q.stockType: l.value}
		if byStore {
			row["storeId"] = nil // the doc: a line without a store has "storeId": null
			if l.store != "" {
				row["storeId"] = l.store
			}
		}
		out = append(out, row)
	}
	writeJSON(w, http.StatusOK, out)
}

// parseReportQuery reads stockType, include and filter. The doc names no
// error codes for the report; a bad parameter is refused with 400 and
// 1002 as the emulator's list filter is (entities.go), which is the
// emulator's choice. changedSince is documented but not emulated: it is
// refused, so no client comes to depend on an emulation of it.
func parseReportQuery(r *http.Request) (reportQuery, object) {
	v, errObj := splitQuery(r.URL.RawQuery)
	if errObj != nil {
		return reportQuery{}, errObj
	}
	q := reportQuery{stockType: "stock"}
	if st := v.Get("stockType"); st != "" {
		if !slices.Contains(stockTypes, st) {
			return q, apiError(1002, "Неверное значение параметра 'stockType': '"+st+"'", "stockType")
		}
		q.stockType = st
	}
	for _, inc := range v["include"] {
		if inc != "zeroLines" {
			return q, apiError(1002, "Неверное значение параметра 'include': '"+inc+"'", "include")
		}
		q.zeroLines = true
	}
	if v.Has("changedSince") {
		return q, apiError(1002, "Параметр 'changedSince' эмулятором не поддерживается", "changedSince")
	}
	// The doc, «Доступные фильтры»: assortmentId and storeId, ids not hrefs,
	// several values by comma, by repeating the key after ';' or by
	// repeating filter.
	for _, f := range v["filter"] {
		for _, cond := range strings.Split(f, ";") {
			key, vals, found := strings.Cut(cond, "=")
			var set *map[string]bool
			switch key {
			case "assortmentId":
				set = &q.items
			case "storeId":
				set = &q.stores
			}
			if !found || set == nil {
				return q, apiError(1002, "Неверный фильтр: '"+cond+"'", "filter")
			}
			if *set == nil {
				*set = map[string]bool{}
			}
			for _, id := range strings.Split(vals, ",") {
				if !uuidPattern.MatchString(id) {
					return q, apiError(1002, "Неверный фильтр: значение '"+id+"' поля '"+key+"' не является UUID", "filter")
				}
				(*set)[id] = true
			}
		}
	}
	return q, nil
}

// splitQuery parses a query split by '&' only: the doc's filter example
// separates conditions by a bare ';', which Go's url.ParseQuery refuses and
// r.URL.Query() would silently drop.
func splitQuery(raw string) (url.Values, object) {
	out := url.Values{}
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return nil, apiError(1002, "Неверный параметр запроса: '"+pair+"'", "")
		}
		out.Add(key, val)
	}
	return out, nil
}

// reportLines are the lines of every product and variant at every store
// (zero lines included) and, where customer orders without a store
// reserve, at no store. Stock and reserve are what positionStock shows a
// line (positionstock.go); the emulator keeps nothing in transit, so
// inTransit is 0 and quantity («Доступно. Учитывает резерв и ожидания») is
// freeStock. It runs under s.mu.
func (s *Server) reportLines(q reportQuery) []reportLine {
	stock, reserve := s.stockTotals(), s.reserveTotals()
	var out []reportLine
	for _, typ := range []string{"product", "variant"} {
		for _, item := range s.order[typ] {
			if _, ok := s.entities[typ][item]; !ok || (q.items != nil && !q.items[item]) {
				continue
			}
			for _, store := range s.order["store"] {
				if q.stores != nil && !q.stores[store] {
					continue
				}
				k := stockKey{store, item}
				out = append(out, reportLine{item, store, valueOf(q.stockType, stock[k], reserve[k])})
			}
			// The doc's freeStock and reserve examples: the line with
			// "storeId": null is «резерв … для Заказа Покупателя без указания
			// склада» (negative in freeStock). It has no stock, so it is not
			// in the stock report, and no store filter names it.
			if r := reserve[stockKey{"", item}]; r != 0 && q.stores == nil && q.stockType != "stock" && q.stockType != "inTransit" {
				out = append(out, reportLine{item, "", valueOf(q.stockType, 0, r)})
			}
		}
	}
	return out
}

func valueOf(stockType string, stock, reserve float64) float64 {
	switch stockType {
	case "freeStock", "quantity":
		return stock - reserve
	case "reserve":
		return reserve
	case "inTransit":
		return 0
	}
	return stock
}

// sumStores folds the by-store lines into one per item, as
// /report/stock/all/current answers.
func sumStores(lines []reportLine) []reportLine {
	var out []reportLine
	at := map[string]int{}
	for _, l := range lines {
		i, ok := at[l.item]
		if !ok {
			at[l.item] = len(out)
			out = append(out, reportLine{item: l.item})
			i = len(out) - 1
		}
		out[i].value += l.value
	}
	return out
}

// stockTotals is every store's stock of every item: what staff set plus
// the movements of every posted document (stock.go's stockOf, for all keys
// at once). It runs under s.mu.
func (s *Server) stockTotals() map[stockKey]float64 {
	out := map[stockKey]float64{}
	for k, q := range s.stockBase {
		out[k] += q
	}
	for typ := range documentTypes {
		for id, doc := range s.entities[typ] {
			for k, q := range s.movements(typ, doc, s.positions[typ+"/"+id]) {
				out[k] += q
			}
		}
	}
	return out
}

// reserveTotals is what customer orders still reserve, per store ("" for
// orders without one) and item: positionstock.go's reserveOf for all keys
// at once. It runs under s.mu.
func (s *Server) reserveTotals() map[stockKey]float64 {
	out := map[stockKey]float64{}
	for _, id := range s.order["customerorder"] {
		o, ok := s.entities["customerorder"][id]
		if !ok {
			continue
		}
		shipped := s.shipped(id)
		for _, row := range s.positions["customerorder/"+id] {
			reserve, _ := row["reserve"].(float64)
			out[stockKey{refID(o["store"]), refID(row["assortment"])}] += max(0, reserve-shipped[row["id"].(string)])
		}
	}
	return out
}
