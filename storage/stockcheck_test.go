package storage_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/storage"
)

func TestStockChecks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	old := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	line := storage.StockCheckLine{GoodID: "KT-1700", AssortmentID: "a1", AssortmentType: "product", Name: "Чайник",
		Class: storage.StockUnexplained, Expected: 8, Actual: 5,
		Stores:    []storage.StockCheckStore{{StoreID: "s1", Label: "БетаПРО", Expected: 8, Actual: 5}},
		Documents: []storage.StockCheckDocument{{OutdocID: 7, Type: "goods_supply", CreatedAt: old, Qnt: 3, Role: "applied", Status: storage.OutdocLocked}},
		Note:      "разница не объясняется"}
	first, err := b.store.SaveStockCheck(b.ctx, storage.StockCheck{Warehouse: "БетаПРО", StartedAt: old, FinishedAt: old, Goods: 1, Unexplained: 1,
		Lines: []storage.StockCheckLine{line}}, time.Time{})
	require.NoError(t, err)
	other, err := b.store.SaveStockCheck(b.ctx, storage.StockCheck{Warehouse: "Второй", StartedAt: old, FinishedAt: old, Error: "склад не отвечает"}, time.Time{})
	require.NoError(t, err)

	got, err := b.store.StockCheck(b.ctx, first)
	require.NoError(t, err)
	require.Equal(t, []storage.StockCheckLine{line}, got.Lines)
	require.Equal(t, old, got.StartedAt)

	now := old.Add(40 * 24 * time.Hour)
	last, err := b.store.SaveStockCheck(b.ctx, storage.StockCheck{Warehouse: "БетаПРО", StartedAt: now, FinishedAt: now, Goods: 1, Matched: 1},
		now.Add(-30*24*time.Hour))
	require.NoError(t, err)
	_, err = b.store.StockCheck(b.ctx, first)
	require.ErrorIs(t, err, storage.ErrNotFound, "older than the retention: gone with its lines")
	_, err = b.store.StockCheck(b.ctx, other)
	require.ErrorIs(t, err, storage.ErrNotFound)

	latest, err := b.store.LatestStockChecks(b.ctx)
	require.NoError(t, err)
	require.Len(t, latest, 1)
	require.Equal(t, last, latest[0].ID)
	require.Empty(t, latest[0].Lines)
	list, err := b.store.StockChecks(b.ctx, "Второй", 10)
	require.NoError(t, err)
	require.Empty(t, list)

	queued, err := b.store.QueueStockCheck(b.ctx)
	require.NoError(t, err)
	require.True(t, queued)
	queued, err = b.store.QueueStockCheck(b.ctx)
	require.NoError(t, err)
	require.False(t, queued, "one check at a time")
}
