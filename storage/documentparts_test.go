package storage_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/storage"
)

func TestDocumentPartsCarryTheirOutdocType(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.store.AcceptOutdocs(b.ctx, "W", []storage.Outdoc{
		{Warehouse: "W", OutdocID: 1, Type: "orders_shipment", Status: storage.OutdocNew},
		{Warehouse: "W", OutdocID: 2, Type: "orders_part_return", Status: storage.OutdocNew},
		{Warehouse: "W", OutdocID: 3, Type: "orders_client_return", Status: storage.OutdocNew},
	})
	require.NoError(t, err)
	for _, p := range []storage.OutdocPart{
		{Warehouse: "W", OutdocID: 2, Key: "A-1", DocType: "customerorder", DocID: "co1", Status: storage.PartApplied},
		{Warehouse: "W", OutdocID: 1, Key: "A-1", DocType: "customerorder", DocID: "co1", Status: storage.PartApplied, Change: []byte(`{}`)},
		{Warehouse: "W", OutdocID: 1, Key: "A-2", DocType: "customerorder", DocID: "co2", Status: storage.PartApplied},
		{Warehouse: "W", OutdocID: 3, Key: "RB-1", Status: storage.PartFailed},
	} {
		require.NoError(t, b.store.PutOutdocPart(b.ctx, p))
	}
	got, err := b.store.DocumentParts(b.ctx, "customerorder", "co1")
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, int64(1), got[0].OutdocID, "oldest outdoc first")
	require.Equal(t, "orders_shipment", got[0].OutdocType)
	require.Equal(t, "orders_part_return", got[1].OutdocType)
	require.JSONEq(t, `{}`, string(got[0].Change))

	got, err = b.store.OutdocTypeParts(b.ctx, "orders_part_return", "orders_client_return")
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, "RB-1", got[0].Key, "newest outdoc first")
	require.Equal(t, storage.PartFailed, got[0].Status)
	require.Equal(t, "A-1", got[1].Key)
	failed, err := b.store.FailedOutdocTypeParts(b.ctx, "orders_part_return", "orders_client_return")
	require.NoError(t, err)
	require.Len(t, failed, 1)
	require.Equal(t, "RB-1", failed[0].Key)
	none, err := b.store.OutdocTypeParts(b.ctx)
	require.NoError(t, err)
	require.Empty(t, none)
}
