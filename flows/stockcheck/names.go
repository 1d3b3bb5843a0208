package stockcheck

import (
	"context"
	"errors"

	"github.com/skladflow/skladflow/moysklad"
)

// maxNames bounds the MoySklad goods unknown to the warehouse that one
// check reads to name them.
const maxNames = 20

// nameUnmapped names the MoySklad goods the warehouse does not know (the
// stock report gives their ids only), so staff can find them: a product,
// else a variant. A good that cannot be read stays named by its id.
func (c *Checker) nameUnmapped(ctx context.Context, goods []*Good) {
	n := 0
	for _, g := range goods {
		if g.GoodID != "" || g.Name != "" || g.Actual.zero() {
			continue
		}
		if n == maxNames {
			return
		}
		n++
		p, typ, err := c.item(ctx, g.AssortmentID)
		if err != nil {
			c.log().Warn("stock check: name of a MoySklad good", "assortment_id", g.AssortmentID, "err", err)
			continue
		}
		g.AssortmentType, g.Name = typ, p.Name
	}
}

// item reads a MoySklad good the stock report names by id only: a
// product, else a variant.
func (c *Checker) item(ctx context.Context, id string) (*moysklad.Product, string, error) {
	p, err := c.cfg.MoySklad.GetProduct(ctx, id)
	if errors.Is(err, moysklad.ErrNotFound) {
		p, err = c.cfg.MoySklad.GetVariant(ctx, id)
		return p, moysklad.AssortmentVariant, err
	}
	return p, moysklad.AssortmentProduct, err
}
