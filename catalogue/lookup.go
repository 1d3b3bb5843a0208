package catalogue

import (
	"context"
	"errors"
	"fmt"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

// Keys are the SKU fields with the good_ids the positions' items already
// have at the warehouse: what the warehouse's documents name them by, even
// after an edited article. Receipts and shipments match lines with it.
func (c *Catalogue) Keys(ctx context.Context, positions []moysklad.Position) (moysklad.SKUFields, error) {
	keys := c.cfg.SKUs
	var ids []string
	for _, p := range positions {
		if p.Assortment != nil && !p.Assortment.IsService() {
			ids = append(ids, p.Assortment.ID)
		}
	}
	if len(ids) == 0 {
		return keys, nil
	}
	bound, err := c.cfg.Bindings.Goods(ctx, c.cfg.Warehouse, ids...)
	if err != nil {
		return keys, fmt.Errorf("catalogue: bindings: %w", err)
	}
	keys.Fixed = make(map[string]string, len(bound))
	for id, g := range bound {
		keys.Fixed[id] = g.GoodID
	}
	return keys, nil
}

// Item is the product or variant of a good_id the warehouse reports: the
// one skladflow registered it for (a good keeps its good_id after an
// edited article), else the only one whose SKU field says it, as receipts
// find goods the warehouse registered otherwise. nil when MoySklad has
// none, or several.
func (c *Catalogue) Item(ctx context.Context, goodID string) (*moysklad.Product, error) {
	known, err := c.Find(ctx, goodID)
	if err != nil || known != nil {
		return known, err
	}
	ps, err := c.cfg.MoySklad.FindAssortment(ctx, c.cfg.SKUs, goodID)
	if err != nil {
		return nil, fmt.Errorf("catalogue: find product or variant %s: %w", goodID, err)
	}
	if len(ps) != 1 {
		return nil, nil
	}
	return &ps[0], nil
}

// Find returns the product or variant a good_id was registered for, or
// nil when skladflow never registered it.
func (c *Catalogue) Find(ctx context.Context, goodID string) (*moysklad.Product, error) {
	g, err := c.cfg.Bindings.GoodByID(ctx, c.cfg.Warehouse, goodID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("catalogue: binding of %s: %w", goodID, err)
	}
	var a *moysklad.Product
	if g.AssortmentType == moysklad.AssortmentVariant {
		a, err = c.cfg.MoySklad.GetVariant(ctx, g.AssortmentID)
	} else {
		a, err = c.cfg.MoySklad.GetProduct(ctx, g.AssortmentID)
	}
	if err != nil {
		return nil, fmt.Errorf("catalogue: %s %s of good %s: %w", g.AssortmentType, g.AssortmentID, goodID, err)
	}
	return a, nil
}
