package stockcheck

import (
	"context"
	"fmt"
	"slices"

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

// keyUnmapped joins MoySklad goods held at the warehouse's stores that
// skladflow never registered (a substitute received unplanned, goods on the
// books before skladflow) to the warehouse by their SKU, the good_id the
// flows would give them, so the warehouse is asked for their stock too. At
// most maxNames are read a check; it returns the good_ids added.
func (c *Checker) keyUnmapped(ctx context.Context, wh *feed.Warehouse, ms []moysklad.StoreStock, byGood, byItem map[string]*Good) ([]string, error) {
	stores := wh.Placement.Stores()
	var ids []string
	read := map[string]bool{}
	for _, s := range ms {
		if s.Stock == 0 || !slices.Contains(stores, s.StoreID) || byItem[s.AssortmentID] != nil || read[s.AssortmentID] {
			continue
		}
		if len(read) == maxNames {
			break
		}
		read[s.AssortmentID] = true
		p, typ, err := c.item(ctx, s.AssortmentID)
		if err != nil {
			return nil, fmt.Errorf("read MoySklad good %s: %w", s.AssortmentID, err)
		}
		key := wh.SKUs().Of(p)
		if key == "" || byGood[key] != nil {
			continue // no SKU, or the SKU is another good's: named as it is
		}
		g := &Good{GoodID: key, AssortmentID: s.AssortmentID, AssortmentType: typ, Name: p.Name, Expected: Units{}, Actual: Units{}}
		byGood[key], byItem[s.AssortmentID] = g, g
		ids = append(ids, key)
	}
	return ids, nil
}
