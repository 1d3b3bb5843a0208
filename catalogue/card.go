package catalogue

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
)

// card is the FBox card of an assortment item under goodID (good_set_req):
// the name with a variant's characteristics, the barcodes, the VAT
// (attribute 106) and, when all four are known, sizes and weight. A
// variant's weight, sizes and VAT are its product's (a variant has none).
func (c *Catalogue) card(a *moysklad.Product, goodID string) fulfillment.Good {
	g := fulfillment.Good{GoodID: goodID, GoodType: fulfillment.GoodTypeGood, GoodName: cut255(displayName(a))}
	if a.IsService() {
		g.GoodType = fulfillment.GoodTypeService
	}
	for _, b := range a.BarcodeValues() {
		g.EANs = append(g.EANs, fulfillment.EAN{Mode: fulfillment.EANAdd, Value: b})
	}
	base := a
	if a.IsVariant() && a.Parent != nil {
		base = a.Parent
	}
	if vat, ok := vatOf(base); ok {
		g.Attributes = append(g.Attributes, fulfillment.Attribute{AttributeID: fulfillment.AttrGoodVAT, Value: vat})
	}
	l, w, h := c.size(base, c.cfg.Sizes.Length), c.size(base, c.cfg.Sizes.Width), c.size(base, c.cfg.Sizes.Height)
	weight := base.Weight
	if c.cfg.WeightUnit == "kg" {
		weight *= 1000
	}
	if l > 0 && w > 0 && h > 0 && weight >= 1 {
		g.Length, g.Width, g.Height, g.Weight = l, w, h, int32(math.Round(weight))
	}
	return g
}

// displayName is the item's name with a variant's characteristics when the
// name does not show them already: «Кружка (синий, XL)».
func displayName(a *moysklad.Product) string {
	name := a.Name
	if name == "" && a.Parent != nil {
		name = a.Parent.Name
	}
	var missing []string
	for _, ch := range a.Characteristics {
		if ch.Value != "" && !strings.Contains(name, ch.Value) {
			missing = append(missing, ch.Value)
		}
	}
	if len(missing) > 0 {
		name += " (" + strings.Join(missing, ", ") + ")"
	}
	return name
}

// vatOf is attribute 106's value: -1 «без НДС» when VAT is off, else the
// effective rate. The spec lists -1, 0, 10 and 20; another rate is sent as
// it is (unconfirmed whether the warehouse takes it).
func vatOf(p *moysklad.Product) (int, bool) {
	if on := p.EffectiveVATEnabled; on != nil && !*on {
		return fulfillment.VATNone, true
	}
	if p.EffectiveVAT != nil {
		return *p.EffectiveVAT, true
	}
	if on := p.VATEnabled; on != nil && !*on {
		return fulfillment.VATNone, true
	}
	if p.VAT != nil {
		return *p.VAT, true
	}
	return 0, false
}

// size reads a custom field holding millimetres; 0 when absent or not a
// positive number.
func (c *Catalogue) size(p *moysklad.Product, field string) int32 {
	if field == "" {
		return 0
	}
	for _, a := range p.Attributes {
		if a.Name != field {
			continue
		}
		var v float64
		switch x := a.Value.(type) {
		case float64:
			v = x
		case string:
			v, _ = strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(x), ",", "."), 64)
		}
		if v >= 1 && v <= math.MaxInt32 {
			return int32(math.Round(v))
		}
	}
	return 0
}

// hashCard identifies a card's content, so an unchanged card is not sent
// again. Barcodes are sorted: their order means nothing to the warehouse.
func hashCard(g fulfillment.Good) string {
	g.EANs = slices.Clone(g.EANs)
	slices.SortFunc(g.EANs, func(a, b fulfillment.EAN) int { return strings.Compare(a.Value, b.Value) })
	b, _ := json.Marshal(g)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

func cut255(s string) string {
	r := []rune(s)
	if len(r) > 255 {
		return string(r[:255])
	}
	return s
}
