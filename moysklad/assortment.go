package moysklad

import (
	"context"
	"net/http"
)

// Assortment types a position's assortment can be (meta.type): reference
// §4.2, spec components/schemas/common/assortment.yaml.
const (
	AssortmentProduct     = "product"
	AssortmentVariant     = "variant"
	AssortmentService     = "service"
	AssortmentBundle      = "bundle"
	AssortmentConsignment = "consignment"
)

// Kind is the assortment type (meta.type): product, variant, service, ….
func (p *Product) Kind() string { return p.Meta.Type }

// IsService reports a service: it has no stock, so it is never sent to a
// warehouse or a courier and a receipt leaves its line as it is.
func (p *Product) IsService() bool { return p.Meta.Type == AssortmentService }

// IsVariant reports a variant (модификация): it has no article and no
// weight of its own; its product is a reference.
func (p *Product) IsVariant() bool { return p.Meta.Type == AssortmentVariant }

// SKUFields name the field that keys goods at a warehouse: one for
// products, one for variants (which have no article).
type SKUFields struct {
	Product string // article, code or externalCode
	// Variant is code, externalCode or VariantParentArticle.
	Variant string
	// Fixed are the keys items already have at the warehouse, by
	// assortment id: a good_id never changes once registered, whatever
	// the field says now. Optional.
	Fixed map[string]string
}

// VariantParentArticle keys a variant by its product's article followed
// by its characteristics' values, "MG-1-синий-XL". The product must be
// expanded (Parent) for Of to see the article.
const VariantParentArticle = "article"

// VariantKey is a variant's key under VariantParentArticle: the parent's
// article and the characteristic values, joined by "-"; "" without the
// article.
func VariantKey(parentArticle string, chars []Characteristic) string {
	if parentArticle == "" {
		return ""
	}
	key := parentArticle
	for _, c := range chars {
		if c.Value != "" {
			key += "-" + c.Value
		}
	}
	return key
}

// Of returns the key of an assortment item: "" for a service (never keyed)
// or when the field is not filled.
func (f SKUFields) Of(a *Product) string {
	switch {
	case a == nil || a.IsService():
		return ""
	case f.Fixed[a.ID] != "":
		return f.Fixed[a.ID]
	case a.IsVariant() && f.Variant == VariantParentArticle:
		if a.Parent == nil {
			return ""
		}
		return VariantKey(a.Parent.Article, a.Characteristics)
	case a.IsVariant():
		return a.SKU(f.Variant)
	}
	return a.SKU(f.Product)
}

// FieldOf is the name of the field Of reads for a.
func (f SKUFields) FieldOf(a *Product) string {
	if a != nil && a.IsVariant() {
		return f.Variant
	}
	return f.Product
}

// FindVariants finds variants by code or externalCode (a variant has no
// article): GET /entity/variant?filter=….
func (c *Client) FindVariants(ctx context.Context, field, value string) ([]Product, error) {
	return list[Product](ctx, c, "entity/variant", field+"="+value, []string{"product"})
}

// IsBundle reports a bundle (комплект): not a good of its own; its
// components are.
func (p *Product) IsBundle() bool { return p.Meta.Type == AssortmentBundle }

// BundleComponent is one component of a bundle: an item and how many of it
// one bundle holds (spec dictionary/bundleComponent.yaml).
type BundleComponent struct {
	Quantity   float64  `json:"quantity"`
	Assortment *Product `json:"assortment"`
}

// BundleComponents reads a bundle's components with their items expanded:
// GET /entity/bundle/{id}/components (a bundle has few: one page of 100,
// the most expand allows, is read at a time).
func (c *Client) BundleComponents(ctx context.Context, bundleID string) ([]BundleComponent, error) {
	return list[BundleComponent](ctx, c, "entity/bundle/"+bundleID+"/components", "", []string{"assortment"})
}

// FindAssortment finds the products whose SKU field and the variants whose
// variant SKU field equal value: a good at a warehouse may be either.
func (c *Client) FindAssortment(ctx context.Context, f SKUFields, value string) ([]Product, error) {
	ps, err := c.FindProducts(ctx, f.Product, value)
	if err != nil {
		return nil, err
	}
	if f.Variant == "" || f.Variant == VariantParentArticle {
		return ps, nil // keyed by the product's article: found by the product
	}
	vs, err := c.FindVariants(ctx, f.Variant, value)
	if err != nil {
		return nil, err
	}
	return append(ps, vs...), nil
}

// GetVariant reads a variant with its product (SerialTracked reads it).
func (c *Client) GetVariant(ctx context.Context, id string) (*Product, error) {
	var p Product
	if err := c.Do(ctx, http.MethodGet, "entity/variant/"+id, expandQuery([]string{"product"}), nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// Products lists every product of the account.
func (c *Client) Products(ctx context.Context) ([]Product, error) {
	return list[Product](ctx, c, "entity/product", "", nil)
}

// Variants lists every variant of the account; each names its product by
// reference.
func (c *Client) Variants(ctx context.Context) ([]Product, error) {
	return list[Product](ctx, c, "entity/variant", "", nil)
}
