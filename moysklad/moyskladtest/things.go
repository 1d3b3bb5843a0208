package moyskladtest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Serial numbers in stock. A serial-tracked item is kept unit by unit: a
// posted document brings its lines' things (serial numbers) into its store
// or takes them out, as it moves the quantity (stock.go). A write-off or a
// move may only take a serial that is at its source store: moysklad.md
// §4.4 lists "3050 serial numbers not in stock" among the posting errors.
// The HTTP status is not documented; 412 (components/responses.yaml:
// "Ошибка валидации или ограничения") is the emulator's choice, as for
// the other posting refusals. Shipments (demand, purchasereturn) are left
// to the quantity check (checkShippingStock): whether MoySklad checks
// their serials too is unconfirmed.
const codeThingsNotInStock = 3050

// thingChecked are the documents whose serials must be in stock at the
// store they leave.
var thingChecked = map[string]bool{"loss": true, "move": true}

type thingKey struct{ store, item, thing string }

// thingMovements are the serials a version of a document brings to a store
// (+1) or takes from it (−1): none unless it is posted. It runs under s.mu.
func (s *Server) thingMovements(typ string, doc object, rows []object) map[thingKey]int {
	if posted, _ := doc["applicable"].(bool); !posted {
		return nil
	}
	out := map[thingKey]int{}
	add := func(storeField string, sign int) {
		store := refID(doc[storeField])
		if store == "" {
			return
		}
		for _, row := range rows {
			things, _ := row["things"].([]any)
			for _, t := range things {
				if sn, _ := t.(string); sn != "" {
					out[thingKey{store, refID(row["assortment"]), sn}] += sign
				}
			}
		}
	}
	if typ == "move" {
		add("sourceStore", -1)
		add("targetStore", +1)
		return out
	}
	if sign, moves := stockSign[typ]; moves {
		add("store", int(sign))
	}
	return out
}

// thingsAt is how many times each serial is at a store now (1 in stock, 0
// gone). It runs under s.mu.
func (s *Server) thingsAt() map[thingKey]int {
	out := map[thingKey]int{}
	for typ := range documentTypes {
		for id, doc := range s.entities[typ] {
			for k, n := range s.thingMovements(typ, doc, s.positions[typ+"/"+id]) {
				out[k] += n
			}
		}
	}
	return out
}

// checkThings refuses a posted loss or move taking a serial that is not at
// its source store. Only what the new version takes beyond the stored one
// is checked, as checkStock does. It runs under s.mu.
func (s *Server) checkThings(typ string, old, next object, oldRows, nextRows []object) (int, object) {
	if !thingChecked[typ] {
		return 0, nil
	}
	before := s.thingMovements(typ, old, oldRows)
	var at map[thingKey]int
	var missing []string
	store := ""
	for k, n := range s.thingMovements(typ, next, nextRows) {
		if n >= 0 || n >= before[k] {
			continue
		}
		if at == nil {
			at = s.thingsAt()
		}
		if at[k]-before[k]+n < 0 {
			missing = append(missing, k.thing)
			store = k.store
		}
	}
	if len(missing) == 0 {
		return 0, nil
	}
	slices.Sort(missing)
	return http.StatusPreconditionFailed, apiError(codeThingsNotInStock, fmt.Sprintf(
		"Нельзя провести документ: серийных номеров нет на складе '%s': %s", s.nameOf("store", store), strings.Join(missing, ", ")), "positions")
}
