package catalogue

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/skladflow/skladflow/moysklad"
)

// SyncReport is what Sync did (or, in a dry run, would do).
type SyncReport struct {
	// Registered are the good_ids whose card was (or would be) sent.
	Registered []string
	// Unchanged counts the goods whose card the warehouse has already.
	Unchanged int
	// Skipped are the items that cannot be goods now, each with the reason.
	Skipped []string
	// Notices are edited articles: the good keeps its good_id.
	Notices []string
}

// Sync registers every product and variant of the account that is not
// registered or whose card changed: the initial stock of a warehouse, and
// goods that will only ever leave it, need their cards before any order
// names them. MoySklad cannot cheaply say which goods a store holds, so
// the whole assortment is registered. Items that cannot be goods (no SKU,
// a SKU shared, a barcode bound elsewhere) are skipped with the reason;
// the rest are registered in batches (fulfillment.GoodsBatch per POST).
func (c *Catalogue) Sync(ctx context.Context, all Assortment, dryRun bool) (*SyncReport, error) {
	products, err := all.Products(ctx)
	if err != nil {
		return nil, fmt.Errorf("catalogue: products: %w", err)
	}
	variants, err := all.Variants(ctx)
	if err != nil {
		return nil, fmt.Errorf("catalogue: variants: %w", err)
	}
	byID := map[string]*moysklad.Product{}
	items := make([]*moysklad.Product, 0, len(products)+len(variants))
	for i := range products {
		byID[products[i].ID] = &products[i]
		items = append(items, &products[i])
	}
	for i := range variants {
		v := &variants[i]
		if v.Parent != nil {
			if p, ok := byID[v.Parent.Meta.ID()]; ok {
				v.Parent = p
			}
		}
		items = append(items, v)
	}
	return c.syncItems(ctx, items, dryRun)
}

// Refresh keeps the cards of items already registered current: a changed
// product or variant (a new name, barcode, VAT) is registered again. Items
// never registered are left for the first task that names them.
func (c *Catalogue) Refresh(ctx context.Context, items ...*moysklad.Product) (*SyncReport, error) {
	return c.refresh(ctx, items, nil)
}

// refresh is Refresh that also registers an item never registered when it
// carries a barcode of awaited: the warehouse holds such an item as
// unknown until its barcode is bound to a good.
func (c *Catalogue) refresh(ctx context.Context, items []*moysklad.Product, awaited []string) (*SyncReport, error) {
	ids := make([]string, len(items))
	for i, a := range items {
		ids[i] = a.ID
	}
	bound, err := c.cfg.Bindings.Goods(ctx, c.cfg.Warehouse, ids...)
	if err != nil {
		return nil, fmt.Errorf("catalogue: bindings: %w", err)
	}
	var known []*moysklad.Product
	for _, a := range items {
		if _, ok := bound[a.ID]; ok || slices.ContainsFunc(a.BarcodeValues(), func(b string) bool { return slices.Contains(awaited, b) }) {
			known = append(known, a)
		}
	}
	if err := c.completeVariants(ctx, known); err != nil {
		return nil, err
	}
	return c.syncItems(ctx, known, false)
}

func (c *Catalogue) syncItems(ctx context.Context, items []*moysklad.Product, dryRun bool) (*SyncReport, error) {
	rep := &SyncReport{}
	if len(items) == 0 {
		return rep, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	p, err := c.plan(ctx, items)
	if err != nil {
		return nil, err
	}
	var ok []*entry
	for _, e := range p.entries {
		if e.problem != "" {
			rep.Skipped = append(rep.Skipped, e.problem)
			continue
		}
		if slices.Contains(p.register, e) {
			ok = append(ok, e)
		} else {
			rep.Unchanged++
		}
	}
	p.register = ok
	if dryRun {
		for _, e := range ok {
			rep.Registered = append(rep.Registered, e.goodID)
		}
	} else if rep.Registered, err = c.register(ctx, p); err != nil {
		return nil, err
	}
	for _, e := range p.entries {
		if e.problem != "" {
			continue
		}
		if dryRun {
			if e.binding != nil && e.sku != "" && e.sku != e.goodID {
				rep.Notices = append(rep.Notices, fmt.Sprintf("«%s»: %s изменён с %s на %s; на складе товар остаётся %s",
					e.item.Name, SKULabel(c.fieldOf(e.item)), e.goodID, e.sku, e.goodID))
			}
			continue
		}
		if text := c.edited(ctx, e); text != "" {
			rep.Notices = append(rep.Notices, fmt.Sprintf("«%s»: %s", e.item.Name, text))
		}
	}
	return rep, nil
}

// RefreshItem reads a product or variant from MoySklad as it is now and
// refreshes its card (see Refresh): the work of a MoySklad UPDATE event.
// A product's registered variants are refreshed with it (their cards carry
// its weight and VAT). awaited are the barcodes the warehouse received
// unknown (GET /goods/recognition): an item staff gave one of them is
// registered even if no task named it yet, so the warehouse identifies
// the item. An item deleted since is nothing to do.
func (c *Catalogue) RefreshItem(ctx context.Context, assortmentType, id string, awaited ...string) (*SyncReport, error) {
	var (
		a   *moysklad.Product
		err error
	)
	switch assortmentType {
	case moysklad.AssortmentProduct:
		a, err = c.cfg.MoySklad.GetProduct(ctx, id)
	case moysklad.AssortmentVariant:
		a, err = c.cfg.MoySklad.GetVariant(ctx, id)
	default:
		return &SyncReport{}, nil
	}
	if errors.Is(err, moysklad.ErrNotFound) {
		return &SyncReport{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("catalogue: read %s %s: %w", assortmentType, id, err)
	}
	items := []*moysklad.Product{a}
	if a.IsVariant() || a.Kind() != moysklad.AssortmentProduct {
		return c.refresh(ctx, items, awaited)
	}
	// A variant's card carries its product's name, weight, VAT (and, keyed
	// by the product's article, nothing else changes: its good_id is fixed).
	variants, err := c.cfg.Bindings.VariantGoods(ctx, c.cfg.Warehouse, a.ID)
	if err != nil {
		return nil, fmt.Errorf("catalogue: variants of %s: %w", a.ID, err)
	}
	for _, v := range variants {
		got, err := c.cfg.MoySklad.GetVariant(ctx, v.AssortmentID)
		if errors.Is(err, moysklad.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("catalogue: read variant %s: %w", v.AssortmentID, err)
		}
		got.Parent = a
		items = append(items, got)
	}
	return c.refresh(ctx, items, awaited)
}
