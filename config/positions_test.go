package config_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
)

const minimal = `
public_url: "https://x.ru"
moysklad: { token: t, webhook_secret: "0123456789abcdef" }
`

// receipt.missing: zero wrote quantity 0, which MoySklad refuses: an old
// configuration with it stops the start and says what to use instead.
func TestReceiptMissingZeroIsRefused(t *testing.T) {
	t.Parallel()
	_, err := config.Parse([]byte(minimal+`warehouses: [{ name: a, store: b, fbox: { partner_id: p, password: q } }]
receipt: { missing: zero }
`), fullEnv)
	require.ErrorContains(t, err, "receipt.missing: zero is no longer supported: MoySklad refuses a position with quantity 0; use remove")
}

func TestVariantSKUField(t *testing.T) {
	t.Parallel()
	tests := []struct{ sku, variant, want, err string }{
		{sku: "", want: "code"},
		{sku: "article", want: "code"},
		{sku: "externalCode", want: "externalCode"},
		{sku: "code", variant: "externalCode", want: "externalCode"},
		{sku: "article", variant: "article", want: "article"},
		{sku: "article", variant: "name", err: "warehouses[0].variant_sku_field: must be code, externalCode or article"},
	}
	for _, tt := range tests {
		w := "{ name: a, store: b, fbox: { partner_id: p, password: q }"
		if tt.sku != "" {
			w += ", sku_field: " + tt.sku
		}
		if tt.variant != "" {
			w += ", variant_sku_field: " + tt.variant
		}
		c, err := config.Parse([]byte(minimal+"warehouses: ["+w+" }]\n"), fullEnv)
		if tt.err != "" {
			require.ErrorContains(t, err, tt.err)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, tt.want, c.Warehouses[0].VariantSKUField, "sku_field %q", tt.sku)
	}
}

func TestGoodsOptions(t *testing.T) {
	t.Parallel()
	c, err := config.Parse([]byte(minimal+`warehouses: [{ name: a, store: b, fbox: { partner_id: p, password: q },
  goods: { rebind_barcodes: true, size_fields: { length: "Длина", width: "Ширина", height: "Высота" } } }]
`), fullEnv)
	require.NoError(t, err)
	require.True(t, c.Warehouses[0].Goods.RebindBarcodes)
	require.Equal(t, "kg", c.Warehouses[0].Goods.WeightUnit)
	require.Equal(t, "Высота", c.Warehouses[0].Goods.SizeFields.Height)
	_, err = config.Parse([]byte(minimal+`warehouses: [{ name: a, store: b, fbox: { partner_id: p, password: q },
  goods: { weight_unit: lb, size_fields: { length: "Длина" } } }]
`), fullEnv)
	require.ErrorContains(t, err, "warehouses[0].goods.weight_unit: must be kg or g")
	require.ErrorContains(t, err, "warehouses[0].goods.size_fields: name all three fields")
}
