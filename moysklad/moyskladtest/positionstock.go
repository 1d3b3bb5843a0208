package moyskladtest

import (
	"net/http"
	"strings"
)

// ?fields=stock with expand=positions adds stock{cost, quantity, reserve,
// intransit, available} to the lines of supply, demand, customerorder,
// purchasereturn and salesreturn, not move or enter (moysklad.md §4.3;
// spec common/positionStock.yaml). Stock is the document store's;
// reserve is what customer orders at that store still hold (their lines'
// reserve less what was shipped); the emulator keeps no cost and nothing in
// transit, so both are 0.

var positionStockTypes = map[string]bool{"supply": true, "demand": true, "customerorder": true,
	"purchasereturn": true, "salesreturn": true}

// fieldsStock is the key render's expand set carries for ?fields=stock.
const fieldsStock = "fields=stock"

func wantsStock(r *http.Request) bool {
	for _, f := range strings.Split(r.URL.Query().Get("fields"), ",") {
		if strings.TrimSpace(f) == "stock" {
			return true
		}
	}
	return false
}

// positionStock is a line's stock object at store. It runs under s.mu.
func (s *Server) positionStock(store string, row object) object {
	item := refID(row["assortment"])
	k := stockKey{store, item}
	quantity, reserve := s.stockOf(k), s.reserveOf(k)
	return object{"cost": 0.0, "quantity": quantity, "reserve": reserve, "intransit": 0.0, "available": quantity - reserve}
}

// reserveOf is what customer orders at a store still reserve of an item.
// It runs under s.mu.
func (s *Server) reserveOf(k stockKey) float64 {
	total := 0.0
	for _, id := range s.order["customerorder"] {
		o, ok := s.entities["customerorder"][id]
		if !ok || refID(o["store"]) != k.store {
			continue
		}
		shipped := s.shipped(id)
		for _, row := range s.positions["customerorder/"+id] {
			if refID(row["assortment"]) != k.item {
				continue
			}
			reserve, _ := row["reserve"].(float64)
			total += max(0, reserve-shipped[row["id"].(string)])
		}
	}
	return total
}
