package catalogue_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

func TestSyncRegistersTheWholeAssortment(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.catalogue(t)
	mug := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Кружка", Article: "MG-1"})
	_, err := b.ms.AddVariant(moyskladtest.VariantSpec{ProductID: mug.ID, Code: "MG-1-BL", Characteristics: []moysklad.Characteristic{{Name: "Цвет", Value: "синий"}}})
	require.NoError(t, err)
	b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Без артикула"})
	b.ms.AddService(moyskladtest.ServiceSpec{Name: "Доставка"})

	dry, err := c.Sync(b.ctx, b.msc, true)
	require.NoError(t, err)
	require.Equal(t, []string{"MG-1", "MG-1-BL"}, dry.Registered)
	require.Equal(t, []string{"у товара «Без артикула» не заполнено поле «Артикул»"}, dry.Skipped)
	require.Zero(t, b.goodPosts(), "a dry run registers nothing")

	done, err := c.Sync(b.ctx, b.msc, false)
	require.NoError(t, err)
	require.Equal(t, dry.Registered, done.Registered)
	card, ok := b.fbox.Good("MG-1-BL")
	require.True(t, ok)
	require.Equal(t, "Кружка (синий)", card.GoodName)

	again, err := c.Sync(b.ctx, b.msc, false)
	require.NoError(t, err)
	require.Empty(t, again.Registered)
	require.Equal(t, 2, again.Unchanged)

	require.NoError(t, b.ms.EditAssortment(mug.ID, map[string]any{"article": "MG-2", "barcodes": []any{map[string]any{"ean13": "4601234567890"}}}))
	fresh, err := b.msc.GetProduct(b.ctx, mug.ID)
	require.NoError(t, err)
	rep, err := c.Refresh(b.ctx, fresh)
	require.NoError(t, err)
	require.Equal(t, []string{"MG-1"}, rep.Registered, "a changed card is sent under the good_id it has")
	require.Equal(t, []string{"«Кружка»: артикул изменён с MG-1 на MG-2; на складе БетаПРО товар остаётся MG-1"}, rep.Notices)
	card, _ = b.fbox.Good("MG-1")
	require.Equal(t, []string{"4601234567890"}, card.EANs, "the new barcode reaches the warehouse")
}

func TestProductChangeRefreshesItsVariants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.catalogue(t)
	mug := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Кружка", Article: "MG-1", VAT: vat(20)})
	blue, err := b.ms.AddVariant(moyskladtest.VariantSpec{ProductID: mug.ID, Code: "MG-1-BL", Characteristics: []moysklad.Characteristic{{Name: "Цвет", Value: "синий"}}})
	require.NoError(t, err)
	_, err = c.Prepare(b.ctx, b.positions(t, moyskladtest.PositionSpec{ProductID: blue.ID, Quantity: 1}))
	require.NoError(t, err)

	require.NoError(t, b.ms.EditAssortment(mug.ID, map[string]any{"vat": 10, "effectiveVat": 10}))
	rep, err := c.RefreshItem(b.ctx, moysklad.AssortmentProduct, mug.ID)
	require.NoError(t, err)
	require.Equal(t, []string{"MG-1-BL"}, rep.Registered, "the product was never registered; its variant was, with the product's VAT")
	card, _ := b.fbox.Good("MG-1-BL")
	v, _ := card.Attribute(fulfillment.AttrGoodVAT)
	require.EqualValues(t, 10, v)

	rep, err = c.RefreshItem(b.ctx, moysklad.AssortmentVariant, "00000000-0000-0000-0000-000000000000")
	require.NoError(t, err, "an item deleted since is nothing to do")
	require.Empty(t, rep.Registered)
}
