package moyskladtest

import (
	"fmt"
	"net/http"
)

// Stock per store. Posted documents move stock, unposted ones do not
// (moysklad.md §4.4: "stock movements are applied only for posted
// documents"), so the emulator keeps no running totals: a store's stock of
// an item is what staff set (SetStock) plus the movements of every posted
// document as it is now. Posting, un-posting, editing lines and deleting
// a document all change stock with no bookkeeping that could drift.

// stockSign is how a posted document of a type moves stock at its store:
// receipts add, shipments and write-offs take away. A move takes from its
// sourceStore and adds to its targetStore; a customer order only reserves.
var stockSign = map[string]float64{
	"supply": +1, "enter": +1, "salesreturn": +1,
	"demand": -1, "loss": -1, "purchasereturn": -1,
}

// shipmentTypes are the documents the stock check applies to: those that
// ship goods out of a store (moysklad.md §4.4: "posting of shipments of
// missing goods fail"). Which documents MoySklad counts as shipments is
// unconfirmed; a loss is a write-off, not a shipment, and is not checked.
var shipmentTypes = map[string]bool{"demand": true, "purchasereturn": true, "move": true}

// codeShippingStock refuses posting a shipment of goods not in stock when
// the account forbids it (companySettings.yaml: checkShippingStock,
// "Запретить отгрузку отсутствующих товаров"). moysklad.md §4.4 says the
// post fails but the code is unconfirmed: 17015, next to the other posting
// refusals 17009–17014, and HTTP 412 (components/responses.yaml: "Ошибка
// валидации или ограничения") are the emulator's choice. Clients must
// depend only on the refusal, never on the code.
const codeShippingStock = 17015

type stockKey struct{ store, item string }

// movements are the stock changes a version of a document makes: none
// unless it is posted. Services have no stock (spec dictionary/service.yaml
// has no stock fields), so their lines move nothing. It runs under s.mu.
func (s *Server) movements(typ string, doc object, rows []object) map[stockKey]float64 {
	if posted, _ := doc["applicable"].(bool); !posted {
		return nil
	}
	out := map[stockKey]float64{}
	add := func(storeField string, sign float64) {
		store := refID(doc[storeField])
		if store == "" {
			return
		}
		for _, row := range rows {
			// A bundle's stock is its components' (MoySklad keeps none for the
			// bundle itself); the emulator does not expand bundles here, so a
			// bundle line moves and is checked for nothing.
			if t := typeOf(row["assortment"]); t == "service" || t == "bundle" {
				continue
			}
			q, _ := row["quantity"].(float64)
			out[stockKey{store, refID(row["assortment"])}] += sign * q
		}
	}
	if typ == "move" {
		add("sourceStore", -1)
		add("targetStore", +1)
		return out
	}
	if sign, moves := stockSign[typ]; moves {
		add("store", sign)
	}
	return out
}

// stockOf is the stock of an item at a store now. It runs under s.mu.
func (s *Server) stockOf(k stockKey) float64 {
	total := s.stockBase[k]
	for typ := range documentTypes {
		for id, doc := range s.entities[typ] {
			total += s.movements(typ, doc, s.positions[typ+"/"+id])[k]
		}
	}
	return total
}

// checkStock refuses a document version that would ship goods not in
// stock, when the account checks shipping stock. Only what the new version
// takes beyond the stored version is checked: re-saving a posted demand
// with nothing more shipped is not refused. It runs under s.mu.
func (s *Server) checkStock(typ string, old, next object, oldRows, nextRows []object) (int, object) {
	if !s.checkShipping || !shipmentTypes[typ] {
		return 0, nil
	}
	before := s.movements(typ, old, oldRows)
	for k, q := range s.movements(typ, next, nextRows) {
		if q >= 0 || q >= before[k] {
			continue
		}
		left := s.stockOf(k) - before[k] + q
		if left >= 0 {
			continue
		}
		return http.StatusPreconditionFailed, apiError(codeShippingStock, fmt.Sprintf(
			"Нельзя провести документ: на складе '%s' недостаточно товара '%s': в наличии %v, требуется %v",
			s.nameOf("store", k.store), s.itemName(k.item), s.stockOf(k)-before[k], -q), "positions")
	}
	return 0, nil
}

func (s *Server) nameOf(typ, id string) string {
	name, _ := s.entities[typ][id]["name"].(string)
	return name
}

func (s *Server) itemName(id string) string {
	a, _ := s.assortmentByID(id)
	name, _ := a["name"].(string)
	return name
}

// refID is a reference's id, "" for none.
func refID(v any) string {
	if !isRef(v) {
		return ""
	}
	return idOf(v)
}

// Stock is the stock of a product or variant at a store: what SetStock
// set plus the movements of the posted documents.
func (s *Server) Stock(storeID, itemID string) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stockOf(stockKey{storeID, itemID})
}

// SetStock makes the stock of a product or variant at a store qty now, as
// an inventory (инвентаризация) by staff would; documents posted later
// move it from there.
func (s *Server) SetStock(storeID, itemID string, qty float64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.entities["store"][storeID]; !ok {
		return fmt.Errorf("moyskladtest: no store %s", storeID)
	}
	if _, typ := s.assortmentByID(itemID); typ == "" || typ == "service" {
		return fmt.Errorf("moyskladtest: no product or variant %s", itemID)
	}
	k := stockKey{storeID, itemID}
	s.stockBase[k] += qty - s.stockOf(k)
	return nil
}

// SetCheckShippingStock turns the account's "Запретить отгрузку
// отсутствующих товаров" on or off, as an administrator would in the
// settings (see Options.CheckShippingStock).
func (s *Server) SetCheckShippingStock(on bool) {
	s.mu.Lock()
	s.checkShipping = on
	s.mu.Unlock()
}
