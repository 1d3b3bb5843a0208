package moysklad

import "encoding/json"

// A line's money and reserve fields stay raw JSON like every field
// skladflow does not type (so a line is written back byte for byte); these
// accessors read and set them. Spec components/schemas/dictionary/
// customerOrderPosition.yaml, demandPosition.yaml, purchaseReturnPosition.yaml.

// NewPosition is a new line (no id) of quantity units of an assortment
// item (product, variant, service or bundle), as it goes into a PUT or POST.
func NewPosition(assortment Meta, quantity float64) Position {
	return Position{Quantity: quantity, Assortment: &Product{Meta: assortment}}
}

// Price is the unit price in kopecks (spec: price, "Цена товара/услуги в
// копейках").
func (p *Position) Price() float64 { return p.number("price") }

// SetPrice sets the unit price in kopecks.
func (p *Position) SetPrice(kopecks float64) { p.set("price", kopecks) }

// Discount is the discount in percent (spec: discount, "Процент скидки или
// наценки").
func (p *Position) Discount() float64 { return p.number("discount") }

// SetDiscount sets the discount in percent.
func (p *Position) SetDiscount(percent float64) { p.set("discount", percent) }

// VAT is the VAT rate in percent (spec: vat, integer 0–100).
func (p *Position) VAT() int { return int(p.number("vat")) }

// SetVAT sets the VAT rate in percent.
func (p *Position) SetVAT(percent int) { p.set("vat", percent) }

// Reserve is how many units of a customer order's line are reserved (spec
// customerOrderPosition.yaml: reserve).
func (p *Position) Reserve() float64 { return p.number("reserve") }

// SetReserve sets a customer order line's reserve.
func (p *Position) SetReserve(q float64) { p.set("reserve", q) }

// Shipped is how many units of a customer order's line were shipped by
// posted demands (spec customerOrderPosition.yaml: shipped, read-only).
func (p *Position) Shipped() float64 { return p.number("shipped") }

// NetPrice is the unit price after the discount, in kopecks: what one unit
// really costs the buyer.
func (p *Position) NetPrice() float64 { return p.Price() * (1 - p.Discount()/100) }

func (p *Position) number(key string) float64 {
	var v float64
	if raw, ok := p.extra[key]; ok {
		_ = json.Unmarshal(raw, &v)
	}
	return v
}

// set stores a raw field on a copy of extra, so positions copied by value
// never share a change.
func (p *Position) set(key string, v any) {
	b, _ := json.Marshal(v)
	extra := make(map[string]json.RawMessage, len(p.extra)+1)
	for k, v := range p.extra {
		extra[k] = v
	}
	extra[key] = b
	p.extra = extra
}
