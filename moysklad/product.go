package moysklad

import "encoding/json"

// Product is a product or another assortment item (variant, service) as a
// position's assortment or from /entity/product, /entity/variant.
// Unmodelled fields (a variant's product, …) are kept.
type Product struct {
	Meta         Meta      `json:"meta"`
	ID           string    `json:"id,omitempty"`
	Name         string    `json:"name,omitempty"`
	Code         string    `json:"code,omitempty"`
	Article      string    `json:"article,omitempty"`
	ExternalCode string    `json:"externalCode,omitempty"`
	Barcodes     []Barcode `json:"barcodes,omitempty"`
	// Weight is the weight of one unit in the account's unit (kilograms
	// by default); 0 when not filled.
	Weight float64 `json:"weight,omitempty"`
	// IsSerialTrackable is set on a product kept by serial numbers: its
	// lines carry one entry of things per unit (reference §4.2).
	IsSerialTrackable bool `json:"isSerialTrackable,omitempty"`
	// Weighed is a product sold by weight (весовой товар): its quantities
	// may be fractional.
	Weighed bool `json:"weighed,omitempty"`
	// VAT is the product's own rate in percent, EffectiveVAT the rate that
	// applies (its group's when UseParentVAT); VATEnabled false means
	// «без НДС» (spec dictionary/product.yaml vat…effectiveVatEnabled).
	VAT                 *int  `json:"vat,omitempty"`
	VATEnabled          *bool `json:"vatEnabled,omitempty"`
	EffectiveVAT        *int  `json:"effectiveVat,omitempty"`
	EffectiveVATEnabled *bool `json:"effectiveVatEnabled,omitempty"`
	// Characteristics are a variant's (модификация) values: «Цвет: синий».
	Characteristics []Characteristic `json:"characteristics,omitempty"`
	// Parent is a variant's product (spec dictionary/variant.yaml product):
	// a reference unless expanded.
	Parent *Product `json:"product,omitempty"`
	// Attributes are the custom fields (доп. поля) with their values.
	Attributes []Attribute `json:"attributes,omitempty"`

	extra map[string]json.RawMessage
}

// Characteristic is one characteristic of a variant with its value.
type Characteristic struct {
	ID    string `json:"id,omitempty"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

var productKeys = keys("meta", "id", "name", "code", "article", "externalCode", "barcodes", "weight", "isSerialTrackable",
	"weighed", "vat", "vatEnabled", "effectiveVat", "effectiveVatEnabled", "characteristics", "product", "attributes")

type productAlias Product

func (p *Product) UnmarshalJSON(b []byte) error {
	var a productAlias
	extra, err := splitObject(b, &a, productKeys)
	if err != nil {
		return err
	}
	*p = Product(a)
	p.extra = extra
	return nil
}

func (p Product) MarshalJSON() ([]byte, error) {
	return joinObject(productAlias(p), p.extra)
}

// SerialTracked reports an item kept by serial numbers: a product's own
// flag, or a variant's product's — a variant has no flag of its own
// (spec dictionary/variant.yaml), so its product must be expanded.
func (p *Product) SerialTracked() bool {
	return p.IsSerialTrackable || (p.Parent != nil && p.Parent.IsSerialTrackable)
}

// SKU fields a warehouse can key goods by.
const (
	SKUArticle      = "article"
	SKUCode         = "code"
	SKUExternalCode = "externalCode"
)

// SKU returns the value of the named field (article, code or externalCode).
func (p *Product) SKU(field string) string {
	switch field {
	case SKUArticle:
		return p.Article
	case SKUCode:
		return p.Code
	case SKUExternalCode:
		return p.ExternalCode
	}
	return ""
}

// Barcode is one entry of a product's barcodes: {"ean13": "460…"}.
type Barcode map[string]string

// Values returns every barcode value of the product, in order.
func (p *Product) BarcodeValues() []string {
	var out []string
	for _, b := range p.Barcodes {
		for _, v := range b {
			out = append(out, v)
		}
	}
	return out
}
