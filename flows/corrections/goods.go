package corrections

import (
	"encoding/json"

	"github.com/skladflow/skladflow/moysklad"
)

// buyPrice is an item's purchase price in kopecks (spec
// dictionary/product.yaml, variant.yaml: buyPrice.value), 0 when not set:
// an enter needs a price per line, and the buy price is what the found
// units cost the shop.
func buyPrice(p *moysklad.Product) float64 {
	b, err := json.Marshal(p)
	if err != nil {
		return 0
	}
	var v struct {
		BuyPrice *struct {
			Value float64 `json:"value"`
		} `json:"buyPrice"`
	}
	if json.Unmarshal(b, &v) != nil || v.BuyPrice == nil {
		return 0
	}
	return v.BuyPrice.Value
}
