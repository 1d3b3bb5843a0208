package catalogue

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
)

// Item is one line of a warehouse task: a good and how many of it, from
// one position (a bundle position gives one item per component).
type Item struct {
	GoodID   string
	Quantity int32
	// Price is one unit's price in kopecks after the position's discount;
	// a bundle's price is shared among its components' units.
	Price float64
	// Position is the 0-based index of the position it came from.
	Position int
	// Component is set on an item from a bundle position.
	Component bool
	// Service is set on a service line, only with WithServices: a good of
	// type service (a fee or discount line of an order, tgood_type).
	Service bool
}

// Option changes what Prepare does.
type Option func(*options)

type options struct{ services bool }

// WithServices sends service positions as goods of type service
// (registered like goods, good_id from their code when the SKU field is
// article, since services have none) instead of leaving them out; an
// order may carry such lines (tgood_type service).
func WithServices() Option { return func(o *options) { o.services = true } }

// Notice is something staff should know about a position that does not
// stop the task: today an edited article ("артикул изменён с X на Y; на
// складе товар остаётся X").
type Notice struct {
	Position int    // 0-based index of the (first) position concerned
	GoodID   string // the good_id the task names
	SKU      string // the item's SKU now
	Text     string // Russian, for the mini-log
}

// Prepared is what a task is made of.
type Prepared struct {
	// Items in position order, not merged: a flow that plans per good sums
	// them.
	Items []Item
	// Services are the positions left out because they are services (no
	// stock at a warehouse).
	Services []int
	// Notices go to the mini-log.
	Notices []Notice
	// Registered are the good_ids registered (or updated) now.
	Registered []string
}

// Quantity is the total of the items.
func (p *Prepared) Quantity() int64 {
	var n int64
	for _, it := range p.Items {
		n += int64(it.Quantity)
	}
	return n
}

// NoticeLines are the notices as mini-log lines, each naming its line.
func (p *Prepared) NoticeLines() []string {
	out := make([]string, 0, len(p.Notices))
	for _, n := range p.Notices {
		out = append(out, fmt.Sprintf("стр. %d: %s", n.Position+1, n.Text))
	}
	return out
}

// Prepare turns a document's positions (assortment expanded) into task
// items, after registering in one batched call the goods that are
// unregistered or whose card changed. What staff must fix comes back as a
// *Refusal naming every problem; FBox and MoySklad failures as errors.
func (c *Catalogue) Prepare(ctx context.Context, positions []moysklad.Position, opts ...Option) (*Prepared, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	out := &Prepared{}
	var lines []Line
	type use struct {
		item      *moysklad.Product
		qty       float64
		price     float64
		pos       int
		component bool
	}
	var uses []use
	bundles := map[string][]moysklad.BundleComponent{}
	for i, p := range positions {
		a := p.Assortment
		switch {
		case a == nil:
			lines = append(lines, Line{i, "нет товара"})
			continue
		case a.IsService() && o.services:
			uses = append(uses, use{a, p.Quantity, unitPrice(p), i, false})
		case a.IsService():
			out.Services = append(out.Services, i)
			continue
		case a.IsBundle():
			comps, ok := bundles[a.ID]
			if !ok {
				var err error
				if comps, err = c.cfg.MoySklad.BundleComponents(ctx, a.ID); err != nil {
					return nil, fmt.Errorf("catalogue: components of bundle %s: %w", a.ID, err)
				}
				bundles[a.ID] = comps
			}
			units := 0.0
			for _, k := range comps {
				if k.Assortment != nil && !k.Assortment.IsService() {
					units += k.Quantity
				}
			}
			if units == 0 {
				lines = append(lines, Line{i, fmt.Sprintf("в комплекте «%s» нет товаров", a.Name)})
				continue
			}
			price := unitPrice(p) / units
			for _, k := range comps {
				if k.Assortment == nil || k.Assortment.IsService() {
					continue
				}
				uses = append(uses, use{k.Assortment, p.Quantity * k.Quantity, price, i, true})
			}
		case a.Kind() == moysklad.AssortmentProduct || a.IsVariant():
			uses = append(uses, use{a, p.Quantity, unitPrice(p), i, false})
		default:
			lines = append(lines, Line{i, fmt.Sprintf("«%s»: позиции типа %s склад не принимает", a.Name, a.Kind())})
		}
	}
	var items []*moysklad.Product
	first := map[string]int{}
	for _, u := range uses {
		if _, seen := first[u.item.ID]; !seen {
			first[u.item.ID] = u.pos
			items = append(items, u.item)
		}
	}
	if err := c.completeVariants(ctx, items); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	p, err := c.plan(ctx, items)
	if err != nil {
		return nil, err
	}
	for _, u := range uses {
		e := p.byID[u.item.ID]
		if e.problem != "" {
			if first[u.item.ID] == u.pos {
				lines = append(lines, Line{u.pos, e.problem})
			}
			continue
		}
		if text := quantityProblem(e, u.qty, u.component); text != "" {
			lines = append(lines, Line{u.pos, text})
			continue
		}
		out.Items = append(out.Items, Item{GoodID: e.goodID, Quantity: int32(u.qty), Price: u.price, Position: u.pos,
			Component: u.component, Service: u.item.IsService()})
	}
	if len(lines) > 0 {
		return nil, &Refusal{Lines: lines}
	}
	if out.Registered, err = c.register(ctx, p); err != nil {
		return nil, err
	}
	for _, e := range p.entries {
		if text := c.edited(ctx, e); text != "" {
			out.Notices = append(out.Notices, Notice{Position: first[e.item.ID], GoodID: e.goodID, SKU: e.sku, Text: text})
		}
	}
	return out, nil
}

// quantityProblem checks a quantity the warehouse counts in whole units.
func quantityProblem(e *entry, q float64, component bool) string {
	what := e.label()
	if component {
		what += " (в комплекте)"
	}
	switch {
	case q != math.Trunc(q) && (e.item.Weighed || (e.item.Parent != nil && e.item.Parent.Weighed)):
		return fmt.Sprintf("%s — весовой товар, количество %s: склад считает товар только целыми штуками", what, minilog.Qty(q))
	case q <= 0:
		return fmt.Sprintf("%s: количество %s, нужно больше нуля", what, minilog.Qty(q))
	case q != math.Trunc(q):
		return fmt.Sprintf("%s: дробное количество %s, склад принимает только целые", what, minilog.Qty(q))
	case q > math.MaxInt32:
		return fmt.Sprintf("%s: количество %s больше допустимого складом", what, minilog.Qty(q))
	}
	return ""
}

// unitPrice is a position's price per unit in kopecks after its discount
// (percent); 0 when the position has none.
func unitPrice(p moysklad.Position) float64 {
	var price, discount float64
	if raw, ok := p.Extra("price"); ok {
		_ = json.Unmarshal(raw, &price)
	}
	if raw, ok := p.Extra("discount"); ok {
		_ = json.Unmarshal(raw, &discount)
	}
	return price * (1 - discount/100)
}

// completeVariants reads the products of the variants (a position's
// variant names its product by reference only): a variant's weight, VAT
// and, under VariantParentArticle, its good_id are its product's.
func (c *Catalogue) completeVariants(ctx context.Context, items []*moysklad.Product) error {
	parents := map[string]*moysklad.Product{}
	for i, a := range items {
		if !a.IsVariant() || a.Parent == nil || a.Parent.ID != "" {
			continue
		}
		id := a.Parent.Meta.ID()
		p, ok := parents[id]
		if !ok {
			var err error
			if p, err = c.cfg.MoySklad.GetProduct(ctx, id); err != nil {
				return fmt.Errorf("catalogue: product of variant %s: %w", a.ID, err)
			}
			parents[id] = p
		}
		cp := *a // the document's own row stays as MoySklad sent it
		cp.Parent = p
		items[i] = &cp
	}
	return nil
}
