package moysklad

import "context"

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
	Variant string // code or externalCode
}

// Of returns the key of an assortment item: "" for a service (never keyed)
// or when the field is not filled.
func (f SKUFields) Of(a *Product) string {
	switch {
	case a == nil || a.IsService():
		return ""
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
	return list[Product](ctx, c, "entity/variant", field+"="+value, nil)
}
