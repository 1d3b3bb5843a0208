package orders

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/skladflow/skladflow/catalogue"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
)

// GoodID keys an assortment item at the warehouse ("" when it has no key):
// the good_id the catalogue registered it under.
type GoodID func(a *moysklad.Product) string

// orderSpec is what the configuration and the document say beyond the
// lines: the FBox order number, delivery service and shop.
type orderSpec struct {
	OrderID    string
	DeliveryID int32
	OwnerdepID int32
	// PickupPoint is the delivery service's pickup point id, if any.
	PickupPoint string
}

// orderID derives the FBox order_id from the document: the shop's prefix
// and the order's number; a later attempt (after a cancellation) gets a
// suffix, so the cancelled order's documents never reach the new one.
func orderID(prefix, name string, attempt int) string {
	id := prefix + name
	if attempt > 1 {
		id += "-" + strconv.Itoa(attempt)
	}
	return id
}

// shopOf finds the configured shop of an order by its sales channel, else
// its organization (each matched by id, or by name when expanded).
func shopOf(d *moysklad.Document, shops []config.Shop) (config.Shop, bool) {
	for _, s := range shops {
		if s.SalesChannel != "" && is(d.SalesChannel, s.SalesChannel) || s.Organization != "" && is(d.Organization, s.Organization) {
			return s, true
		}
	}
	return config.Shop{}, false
}

// is reports whether a link names the entity ref: its id or its name.
func is(r *moysklad.NamedRef, ref string) bool {
	return r != nil && r.Meta.Href != "" && (r.EntityID() == ref || r.Name != "" && r.Name == ref)
}

// attribute is a document custom field's value by the field's name, as text.
func attribute(d *moysklad.Document, name string) string {
	if name == "" {
		return ""
	}
	for _, a := range d.Attributes {
		if a.Name != name || a.Value == nil {
			continue
		}
		switch v := a.Value.(type) {
		case string:
			return strings.TrimSpace(v)
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		case map[string]any: // a custom entity or dictionary value
			if n, ok := v["name"].(string); ok {
				return strings.TrimSpace(n)
			}
		}
		return strings.TrimSpace(fmt.Sprint(a.Value))
	}
	return ""
}

// deliveryOf is the FBox delivery service of an order: its custom field,
// else the configured one.
func deliveryOf(d *moysklad.Document, cfg config.Orders) (int32, *orchestrator.Problem) {
	v := attribute(d, cfg.DeliveryAttribute)
	if v == "" {
		if cfg.DeliveryID == 0 {
			return 0, &orchestrator.Problem{Text: fmt.Sprintf("не указана служба доставки склада (доп. поле «%s»)", cfg.DeliveryAttribute)}
		}
		return cfg.DeliveryID, nil
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n <= 0 {
		return 0, &orchestrator.Problem{Text: fmt.Sprintf("доп. поле «%s» = «%s»: нужен номер службы доставки склада (delivery_id)", cfg.DeliveryAttribute, v)}
	}
	return int32(n), nil
}

// buildOrder turns a customer order, its goods prepared by the warehouse's
// catalogue (registered, bundles expanded, good_ids fixed), into an FBox
// order. FBox takes one unit per line (schema order.goods: «Кол-во
// экземпляров в позиции заказа всегда равно 1»), so an item of q units is
// q lines, each with its declared value and COD per unit after the
// discount. A paid order has no cash on delivery. notes are lines for the
// mini-log about what was left out.
func buildOrder(d *moysklad.Document, spec orderSpec, prep *catalogue.Prepared) (o fulfillment.Order, notes []string, problems orchestrator.Problems) {
	o = fulfillment.Order{OrderID: spec.OrderID, DeliveryID: spec.DeliveryID}
	paid := paidInFull(d)
	vatOn := boolExtra(d.Extra, "vatEnabled", true)
	rows := d.Rows()
	if len(rows) == 0 {
		problems = append(problems, orchestrator.Problem{Text: "в заказе нет позиций"})
	}
	for _, it := range prep.Items {
		if it.Quantity > 10000 {
			problems = append(problems, orchestrator.Problem{Line: it.Position + 1,
				Text: fmt.Sprintf("%s: %d шт. в одном заказе — это не посылка, передайте отгрузкой", it.GoodID, it.Quantity)})
			continue
		}
		unit := math.Round(it.Price) / 100
		cod := unit
		if paid {
			cod = 0
		}
		g := fulfillment.OrderGood{GoodID: it.GoodID, DeclaredValue: unit, COD: cod, VATRate: vatRate(rows[it.Position], vatOn)}
		for range it.Quantity {
			o.Goods = append(o.Goods, g)
		}
	}
	var dropped []string
	for _, i := range prep.Services {
		if a := rows[i].Assortment; a != nil {
			dropped = append(dropped, "«"+a.Name+"»")
		}
	}
	if len(dropped) > 0 {
		notes = append(notes, "услуги на склад не передаются: "+strings.Join(dropped, ", "))
	}
	if len(rows) > 0 && len(o.Goods) == 0 && len(problems) == 0 {
		problems = append(problems, orchestrator.Problem{Text: "в заказе только услуги, товаров для склада нет"})
	}
	if len(problems) > 0 {
		return fulfillment.Order{}, nil, problems
	}
	o.Client = recipient(d)
	o.Address = address(d)
	if spec.PickupPoint != "" {
		o.Delivery = &fulfillment.OrderDelivery{PickpointID: spec.PickupPoint}
	}
	if spec.OwnerdepID != 0 {
		o.Control = &fulfillment.OrderControl{OwnerdepID: spec.OwnerdepID}
	}
	return o, notes, nil
}

// vatRate is the line's rate as FBox names it; nil (FBox assumes 22%) for
// a rate FBox does not know.
func vatRate(p moysklad.Position, vatOn bool) *int {
	r := fulfillment.VATNone
	if vatOn && boolExtra(p.Extra, "vatEnabled", true) {
		r = int(numberExtra(p.Extra, "vat"))
	}
	switch r {
	case fulfillment.VATNone, fulfillment.VAT0, fulfillment.VAT10, fulfillment.VAT20, fulfillment.VAT22:
		return &r
	}
	return nil
}

// paidInFull reports an order paid before delivery: nothing to collect.
func paidInFull(d *moysklad.Document) bool {
	sum, payed := numberExtra(d.Extra, "sum"), numberExtra(d.Extra, "payedSum")
	return sum > 0 && payed >= sum
}

func recipient(d *moysklad.Document) *fulfillment.OrderClient {
	a := d.Agent
	if a == nil || a.Name == "" && a.Phone == "" && a.Email == "" {
		return nil
	}
	return &fulfillment.OrderClient{Name: a.Name, Phone: a.Phone, Email: a.Email}
}

// address is the delivery address by parts (shipmentAddressFull), else the
// one-line address in Street: FBox's address has no one-line field.
func address(d *moysklad.Document) *fulfillment.OrderAddress {
	if a := d.ShipmentAddressFull; a != nil && (a.City != "" || a.Street != "" || a.House != "") {
		house := a.House
		if a.Apartment != "" {
			house = strings.TrimSpace(house + ", кв. " + a.Apartment)
		}
		return &fulfillment.OrderAddress{Zip: a.PostalCode, City: a.City, Street: a.Street, House: house}
	}
	if d.ShipmentAddress != "" {
		return &fulfillment.OrderAddress{Street: d.ShipmentAddress}
	}
	return nil
}

func numberExtra(extra func(string) (json.RawMessage, bool), key string) float64 {
	var v float64
	if raw, ok := extra(key); ok {
		_ = json.Unmarshal(raw, &v)
	}
	return v
}

func boolExtra(extra func(string) (json.RawMessage, bool), key string, def bool) bool {
	v := def
	if raw, ok := extra(key); ok {
		_ = json.Unmarshal(raw, &v)
	}
	return v
}
