package corrections

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/moysklad"
)

// item finds the MoySklad product or variant of a good_id: first among the
// goods skladflow registered at the warehouse (a good keeps its good_id
// after an edited article), then by the SKU fields, as the receipts do. nil
// when MoySklad has no such good or several.
func (f *Flow) item(ctx context.Context, wh *feed.Warehouse, goodID string) (*moysklad.Product, error) {
	known, err := wh.Catalogue.Find(ctx, goodID)
	if err != nil || known != nil {
		return known, err
	}
	ps, err := f.o.MoySklad().FindAssortment(ctx, wh.SKUs(), goodID)
	if err != nil {
		return nil, fmt.Errorf("find product or variant %s: %w", goodID, err)
	}
	if len(ps) != 1 {
		return nil, nil
	}
	return &ps[0], nil
}

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
