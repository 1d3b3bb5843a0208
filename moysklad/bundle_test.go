package moysklad_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

func TestBundleComponentsAreExpanded(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v, err := b.srv.AddVariant(moyskladtest.VariantSpec{ProductID: b.p2.ID, Code: "MG-1-BL",
		Characteristics: []moysklad.Characteristic{{Name: "Цвет", Value: "синий"}}})
	require.NoError(t, err)
	set, err := b.srv.AddBundle(moyskladtest.BundleSpec{Name: "Набор", Article: "SET-1",
		Components: []moyskladtest.ComponentSpec{{AssortmentID: b.p1.ID, Quantity: 1}, {AssortmentID: v.ID, Quantity: 2}}})
	require.NoError(t, err)
	require.True(t, set.IsBundle())
	_, err = b.srv.AddBundle(moyskladtest.BundleSpec{Name: "Вложенный", Components: []moyskladtest.ComponentSpec{{AssortmentID: set.ID, Quantity: 1}}})
	require.Error(t, err, "a component is never a bundle (AssortmentWithoutBundle)")

	comps, err := b.client.BundleComponents(b.ctx, set.ID)
	require.NoError(t, err)
	require.Len(t, comps, 2)
	require.Equal(t, "KT-1", comps[0].Assortment.Article)
	require.Equal(t, 1.0, comps[0].Quantity)
	require.True(t, comps[1].Assortment.IsVariant())
	require.Equal(t, 2.0, comps[1].Quantity)
	require.Equal(t, []moysklad.Characteristic{{ID: comps[1].Assortment.Characteristics[0].ID, Name: "Цвет", Value: "синий"}}, comps[1].Assortment.Characteristics)
	require.Equal(t, b.p2.ID, comps[1].Assortment.Parent.Meta.ID())
}

func TestFindAssortmentFindsVariantsToo(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v, err := b.srv.AddVariant(moyskladtest.VariantSpec{ProductID: b.p2.ID, Code: "MG-1-BL"})
	require.NoError(t, err)
	skus := moysklad.SKUFields{Product: moysklad.SKUArticle, Variant: moysklad.SKUCode}
	found, err := b.client.FindAssortment(b.ctx, skus, "MG-1-BL")
	require.NoError(t, err)
	require.Len(t, found, 1)
	require.Equal(t, v.ID, found[0].ID)
	found, err = b.client.FindAssortment(b.ctx, skus, "MG-1")
	require.NoError(t, err)
	require.Len(t, found, 1)
	require.Equal(t, b.p2.ID, found[0].ID)

	require.Equal(t, "MG-1-синий-XL", moysklad.VariantKey("MG-1", []moysklad.Characteristic{{Name: "Цвет", Value: "синий"}, {Name: "Размер", Value: "XL"}}))
	variant := &moysklad.Product{Meta: moysklad.Meta{Type: moysklad.AssortmentVariant}, Parent: &moysklad.Product{Article: "MG-1"},
		Characteristics: []moysklad.Characteristic{{Value: "синий"}}}
	require.Equal(t, "MG-1-синий", moysklad.SKUFields{Product: moysklad.SKUArticle, Variant: moysklad.VariantParentArticle}.Of(variant))
}
