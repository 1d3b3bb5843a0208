package stockcheck

import (
	"context"
	"fmt"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/moysklad"
)

// findUnmapped joins the warehouse's goods skladflow never registered
// (registered there before skladflow, or by someone else) to MoySklad by
// their SKU, as the flows that book their documents do (receipts,
// corrections: FindAssortment). Only goods the warehouse holds are looked
// up, at most MaxLookups a check; the others stay "not linked".
func (c *Checker) findUnmapped(ctx context.Context, wh *feed.Warehouse, goods map[string]*Good, byItem map[string]*Good) error {
	n := 0
	for _, id := range sortedKeys(goods) {
		g := goods[id]
		if g.AssortmentID != "" || g.Expected.zero() {
			continue
		}
		if n == c.cfg.MaxLookups {
			return nil
		}
		n++
		ps, err := c.cfg.MoySklad.FindAssortment(ctx, wh.SKUs(), id)
		if err != nil {
			return fmt.Errorf("find %s in MoySklad: %w", id, err)
		}
		if len(ps) != 1 || byItem[ps[0].ID] != nil {
			continue // none, several, or bound to another good: not this good's
		}
		p := ps[0]
		g.AssortmentID, g.AssortmentType = p.ID, p.Meta.Type
		if g.AssortmentType == "" {
			g.AssortmentType = moysklad.AssortmentProduct
		}
		if p.Name != "" {
			g.Name = p.Name
		}
		byItem[p.ID] = g
	}
	return nil
}
