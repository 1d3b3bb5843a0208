package storage_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/storage"
)

func TestGoodsKeepTheirFirstGoodID(t *testing.T) {
	t.Parallel()
	b := setup(t)
	first := storage.Good{Warehouse: "w", AssortmentType: "product", AssortmentID: "p1", GoodID: "MG-1", SKU: "MG-1", Name: "Кружка", CardHash: "h1"}
	require.NoError(t, b.store.SaveGoods(b.ctx, first))

	edited := first
	edited.GoodID, edited.SKU, edited.CardHash = "MG-2", "MG-2", "h2"
	require.NoError(t, b.store.SaveGoods(b.ctx, edited))
	got, err := b.store.Goods(b.ctx, "w", "p1", "nope")
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "MG-1", got["p1"].GoodID, "an edited SKU never renames the good")
	require.Equal(t, "MG-2", got["p1"].SKU)
	require.Equal(t, "h2", got["p1"].CardHash)

	g, err := b.store.GoodByID(b.ctx, "w", "MG-1")
	require.NoError(t, err)
	require.Equal(t, "p1", g.AssortmentID)
	_, err = b.store.GoodByID(b.ctx, "other", "MG-1")
	require.ErrorIs(t, err, storage.ErrNotFound, "bindings are per warehouse")
}

func TestGoodIDIsNeverReused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.store.SaveGoods(b.ctx, storage.Good{Warehouse: "w", AssortmentType: "product", AssortmentID: "p1", GoodID: "MG-1"}))
	err := b.store.SaveGoods(b.ctx,
		storage.Good{Warehouse: "w", AssortmentType: "product", AssortmentID: "p3", GoodID: "TH-1"},
		storage.Good{Warehouse: "w", AssortmentType: "variant", AssortmentID: "v2", GoodID: "MG-1"})
	require.ErrorIs(t, err, storage.ErrGoodTaken)
	all, err := b.store.AllGoods(b.ctx, "w")
	require.NoError(t, err)
	require.Len(t, all, 1, "a refused call saves nothing")
	require.NoError(t, b.store.SaveGoods(b.ctx, storage.Good{Warehouse: "w2", AssortmentType: "variant", AssortmentID: "v2", ParentID: "p1", GoodID: "MG-1"}),
		"another warehouse has its own catalogue")
	vs, err := b.store.VariantGoods(b.ctx, "w2", "p1")
	require.NoError(t, err)
	require.Len(t, vs, 1)
	require.Equal(t, "v2", vs[0].AssortmentID)
}
