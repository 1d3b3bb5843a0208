package catalogue

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

// entry is one assortment item that is to be a good at the warehouse.
type entry struct {
	item    *moysklad.Product
	sku     string
	goodID  string
	binding *storage.Good // nil before its first registration
	card    fulfillment.Good
	hash    string
	problem string // why it cannot be a good now; "" when it can
}

func (e *entry) label() string {
	if e.goodID != "" {
		return fmt.Sprintf("%s «%s»", e.goodID, e.item.Name)
	}
	return "«" + e.item.Name + "»"
}

func (e *entry) refuse(text string) {
	if e.problem == "" {
		e.problem = text
	}
}

// plan decides the good_id and card of each item and which cards must be
// registered. Items are distinct, variants with their product expanded.
type plan struct {
	entries  []*entry
	byID     map[string]*entry
	register []*entry
	// held are the barcodes of the cards to register the warehouse has
	// bound already, to which good.
	held map[string]string
}

func (c *Catalogue) plan(ctx context.Context, items []*moysklad.Product) (*plan, error) {
	p := &plan{byID: map[string]*entry{}}
	ids := make([]string, 0, len(items))
	for _, a := range items {
		ids = append(ids, a.ID)
	}
	bound, err := c.cfg.Bindings.Goods(ctx, c.cfg.Warehouse, ids...)
	if err != nil {
		return nil, fmt.Errorf("catalogue: bindings: %w", err)
	}
	byGood := map[string][]*entry{}
	for _, a := range items {
		e := &entry{item: a, sku: c.skuOf(a)}
		p.entries = append(p.entries, e)
		p.byID[a.ID] = e
		if b, ok := bound[a.ID]; ok {
			e.binding, e.goodID = &b, b.GoodID // fixed at first registration
		} else if err := c.firstGoodID(ctx, e); err != nil {
			return nil, err
		}
		if e.goodID == "" {
			continue
		}
		byGood[e.goodID] = append(byGood[e.goodID], e)
		e.card = c.card(a, e.goodID)
		e.hash = hashCard(e.card)
	}
	for goodID, es := range byGood {
		if len(es) < 2 {
			continue
		}
		var names []string
		for _, e := range es {
			names = append(names, "«"+e.item.Name+"»")
		}
		for _, e := range es {
			e.refuse(fmt.Sprintf("у нескольких товаров одно значение поля «%s» = %s (%s): склад различает товары только по нему, исправьте значение у всех кроме одного",
				SKULabel(c.fieldOf(e.item)), goodID, strings.Join(names, ", ")))
		}
	}
	for _, e := range p.entries {
		if e.problem == "" && (e.binding == nil || e.binding.CardHash != e.hash) {
			p.register = append(p.register, e)
		}
	}
	if err := c.checkBarcodes(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// skuOf is an item's SKU; a service, which has no article and which the
// SKU fields never key, is keyed by the product field or else its code.
func (c *Catalogue) skuOf(a *moysklad.Product) string {
	if !a.IsService() {
		return c.cfg.SKUs.Of(a)
	}
	if k := a.SKU(c.cfg.SKUs.Product); k != "" {
		return k
	}
	return a.Code
}

// fieldOf names the field skuOf reads.
func (c *Catalogue) fieldOf(a *moysklad.Product) string {
	if a.IsService() && (c.cfg.SKUs.Product == moysklad.SKUArticle || a.SKU(c.cfg.SKUs.Product) == "") {
		return moysklad.SKUCode
	}
	return c.cfg.SKUs.FieldOf(a)
}

// firstGoodID gives an item never registered its good_id: its SKU, unless
// another item holds that good_id already (then it is refused: FBox never
// reuses a good_id).
func (c *Catalogue) firstGoodID(ctx context.Context, e *entry) error {
	if e.sku == "" {
		what := "товара"
		switch {
		case e.item.IsVariant():
			what = "модификации"
		case e.item.IsService():
			what = "услуги"
		}
		e.refuse(fmt.Sprintf("у %s «%s» не заполнено поле «%s»", what, e.item.Name, SKULabel(c.fieldOf(e.item))))
		return nil
	}
	other, err := c.cfg.Bindings.GoodByID(ctx, c.cfg.Warehouse, e.sku)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		e.goodID = e.sku
		return nil
	case err != nil:
		return fmt.Errorf("catalogue: binding of %s: %w", e.sku, err)
	}
	e.refuse(fmt.Sprintf("%s «%s»: на складе %s уже товар %s «%s» (у него прежде было это значение поля «%s»), два товара с одним артикулом склад не различит — задайте другое значение",
		e.sku, e.item.Name, c.cfg.Warehouse, other.GoodID, other.Name, SKULabel(c.fieldOf(e.item))))
	return nil
}

// checkBarcodes finds barcodes of the cards to register that are bound to
// another good: in this batch, or at the warehouse (POST /goods/eans/list).
// Such a barcode is moved to our good when RebindBarcodes is set, refused
// otherwise, naming both goods (#ean_desc: one barcode, one good).
func (c *Catalogue) checkBarcodes(ctx context.Context, p *plan) error {
	owner := map[string]*entry{}
	var eans []string
	for _, e := range p.register {
		for _, b := range e.card.EANs {
			if o, ok := owner[b.Value]; ok && o != e {
				msg := fmt.Sprintf("штрихкод %s есть у двух товаров: %s и %s — у одного штрихкода на складе один товар", b.Value, o.label(), e.label())
				o.refuse(msg)
				e.refuse(msg)
				continue
			}
			owner[b.Value] = e
			eans = append(eans, b.Value)
		}
	}
	if len(eans) == 0 {
		return nil
	}
	recs, err := c.cfg.FBox.ListEANs(ctx, fulfillment.EANFilter{EANs: eans})
	if err != nil {
		return fmt.Errorf("catalogue: barcodes at %s: %w", c.cfg.Warehouse, err)
	}
	others := map[string]string{} // ean → the good holding it
	p.held = map[string]string{}
	for _, r := range recs {
		p.held[r.EAN] = r.GoodID
		if e := owner[r.EAN]; e != nil && r.GoodID != e.goodID {
			others[r.EAN] = r.GoodID
		}
	}
	if len(others) == 0 {
		return nil
	}
	if c.cfg.RebindBarcodes {
		for _, e := range p.register {
			for i, b := range e.card.EANs {
				if _, taken := others[b.Value]; taken {
					e.card.EANs[i].Mode = fulfillment.EANSet
				}
			}
		}
		return nil
	}
	names, err := c.goodNames(ctx, others)
	if err != nil {
		return err
	}
	for ean, goodID := range others {
		owner[ean].refuse(fmt.Sprintf("штрихкод %s товара %s на складе %s уже привязан к другому товару %s «%s»: уберите штрихкод у одного из них (или включите перепривязку штрихкодов в настройках склада)",
			ean, owner[ean].label(), c.cfg.Warehouse, goodID, names[goodID]))
	}
	return nil
}

// goodNames names the warehouse's goods by good_id (POST /goods/list).
func (c *Catalogue) goodNames(ctx context.Context, byEAN map[string]string) (map[string]string, error) {
	var ids []string
	for _, id := range byEAN {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	cards, err := c.cfg.FBox.ListGoods(ctx, fulfillment.GoodFilter{GoodIDs: ids})
	if err != nil {
		return nil, fmt.Errorf("catalogue: goods at %s: %w", c.cfg.Warehouse, err)
	}
	out := map[string]string{}
	for _, g := range cards {
		out[g.GoodID] = g.GoodName
	}
	return out, nil
}

// apply registers the planned cards in one batched call, then records
// their bindings, and the new SKU of items whose SKU was edited. A crash
// in between only means the same cards are sent again: a card is the full
// description, sending it twice is harmless.
func (c *Catalogue) apply(ctx context.Context, p *plan) ([]string, error) {
	var (
		cards []fulfillment.Good
		ids   []string
		rows  []storage.Good
	)
	for _, e := range p.register {
		cards, ids = append(cards, e.card), append(ids, e.goodID)
	}
	for _, e := range p.entries {
		if e.problem == "" && (slices.Contains(p.register, e) || e.binding.SKU != e.sku) {
			rows = append(rows, storage.Good{Warehouse: c.cfg.Warehouse, AssortmentType: e.item.Kind(), AssortmentID: e.item.ID,
				ParentID: parentID(e.item), GoodID: e.goodID, SKU: e.sku, Name: e.card.GoodName, CardHash: e.hash})
		}
	}
	if err := c.pushBarcodes(ctx, p); err != nil {
		return nil, err
	}
	if len(cards) > 0 {
		if err := c.cfg.FBox.RegisterGoods(ctx, cards...); err != nil {
			return nil, fmt.Errorf("catalogue: register %d goods at %s: %w", len(cards), c.cfg.Warehouse, err)
		}
	}
	if len(rows) > 0 {
		if err := c.cfg.Bindings.SaveGoods(ctx, rows...); err != nil {
			return nil, fmt.Errorf("catalogue: save bindings: %w", err)
		}
	}
	return ids, nil
}

// pushBarcodes binds the barcodes staff added to goods the warehouse has
// already (POST /goods/eans, mode add) before their cards are sent again:
// that is how the warehouse identifies items it received under an unknown
// barcode (fbox.md §6, recognition: "or adds the barcode as an EAN").
func (c *Catalogue) pushBarcodes(ctx context.Context, p *plan) error {
	for _, e := range p.register {
		if e.binding == nil {
			continue // a new card brings its barcodes itself
		}
		var fresh []string
		for _, b := range e.card.EANs {
			if _, bound := p.held[b.Value]; !bound {
				fresh = append(fresh, b.Value)
			}
		}
		if len(fresh) == 0 {
			continue
		}
		if err := c.cfg.FBox.AddEANs(ctx, e.goodID, fresh...); err != nil {
			return fmt.Errorf("catalogue: barcodes %s of %s at %s: %w", strings.Join(fresh, ", "), e.goodID, c.cfg.Warehouse, err)
		}
		c.cfg.Logger.Info("barcodes pushed to the warehouse", "warehouse", c.cfg.Warehouse, "good_id", e.goodID, "eans", fresh)
	}
	return nil
}

// edited is the notice about an item whose SKU is no longer its good_id.
func (c *Catalogue) edited(ctx context.Context, e *entry) string {
	if e.binding == nil || e.sku == "" || e.sku == e.goodID {
		return ""
	}
	field := strings.ToLower(SKULabel(c.fieldOf(e.item)))
	text := fmt.Sprintf("%s изменён с %s на %s; на складе %s товар остаётся %s", field, e.goodID, e.sku, c.cfg.Warehouse, e.goodID)
	if c.cfg.Alerts != nil && e.binding.SKU != e.sku {
		c.cfg.Alerts.Raise(ctx, "catalogue:"+c.cfg.Warehouse+":"+e.item.ID+":"+e.sku,
			fmt.Sprintf("Склад %s: у «%s» %s; склад не позволяет переименовать товар, skladflow продолжает передавать его как %s", c.cfg.Warehouse, e.item.Name, text, e.goodID))
	}
	return text
}

func parentID(a *moysklad.Product) string {
	if !a.IsVariant() || a.Parent == nil {
		return ""
	}
	if a.Parent.ID != "" {
		return a.Parent.ID
	}
	return a.Parent.Meta.ID()
}

// SKULabel names a SKU field the way staff see it in MoySklad.
func SKULabel(field string) string {
	switch field {
	case moysklad.SKUCode:
		return "Код"
	case moysklad.SKUExternalCode:
		return "Внешний код"
	}
	return "Артикул"
}
