package placement_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/placement"
)

func move(good, state, qual string, n int32) fulfillment.GoodMove {
	return fulfillment.GoodMove{GoodID: good, GoodState: state, QualType: qual, Qnt: n}
}

func TestStoreOf(t *testing.T) {
	t.Parallel()
	const (
		st, q, ls = fulfillment.GoodStateStock, fulfillment.GoodStateQuarantine, fulfillment.GoodStateLongStorage
		u, d      = fulfillment.QualUseful, fulfillment.QualDefective
	)
	bare := placement.Rules{Store: "W"}
	require.Equal(t, "W", bare.StoreOf(st, u))
	require.Empty(t, bare.StoreOf(st, d), "defective units are not booked unless accepted")
	require.Empty(t, bare.StoreOf(q, u), "quarantine written off by default")
	require.Equal(t, "W", bare.StoreOf(ls, u), "no long-storage store: units stay at the warehouse store")

	full := placement.Rules{Store: "W", DefectStore: "D", LongStorageStore: "L", Defective: true, KeepQuarantine: true}
	require.Equal(t, "D", full.StoreOf(st, d))
	require.Equal(t, "D", full.StoreOf(q, d))
	require.Equal(t, "W", full.StoreOf(q, u))
	require.Equal(t, "L", full.StoreOf(ls, d))
	require.Equal(t, []string{"W", "D", "L"}, full.Stores())
	require.Equal(t, []string{"W"}, bare.Stores())
}

func TestDeltas(t *testing.T) {
	t.Parallel()
	r := placement.Rules{Store: "W", DefectStore: "D", Defective: true}
	got := r.Deltas([]fulfillment.GoodMove{
		move("A", fulfillment.GoodStateStock, fulfillment.QualUseful, -2), // useful → defective
		move("A", fulfillment.GoodStateStock, fulfillment.QualDefective, 2),
		move("B", fulfillment.GoodStateStock, fulfillment.QualUseful, -1), // not found → quarantine, written off
		move("B", fulfillment.GoodStateQuarantine, fulfillment.QualUseful, 1),
		move("C", fulfillment.GoodStateStock, fulfillment.QualUseful, -3), // to long storage with no store: nothing
		move("C", fulfillment.GoodStateLongStorage, fulfillment.QualUseful, 3),
	})
	require.Equal(t, map[placement.Key]int64{{"W", "A"}: -2, {"D", "A"}: 2, {"W", "B"}: -1}, got)
}

func TestBooked(t *testing.T) {
	t.Parallel()
	r := placement.Rules{Store: "W", LongStorageStore: "L", Defective: true, KeepQuarantine: true}
	got := r.Booked(fulfillment.GoodStock{GoodID: "A", QualType: fulfillment.QualUseful, Stock: 5, Quarantine: 1, LongStorage: 4, OrdersWait: 2})
	require.Equal(t, map[string]float64{"W": 6, "L": 4}, got)
}
