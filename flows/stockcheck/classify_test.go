package stockcheck_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/flows/stockcheck"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/storage"
)

var now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// policy mirrors supplies and shipments only: no orders flow.
func policy() stockcheck.Policy {
	mirrored := map[string]bool{fulfillment.OutdocSupply: true, fulfillment.OutdocShipment: true}
	return stockcheck.Policy{Mirrored: func(t string) bool { return mirrored[t] }, Now: now, Horizon: 5 * time.Minute}
}

func good(expected, actual float64, docs ...stockcheck.Doc) stockcheck.Good {
	return stockcheck.Good{GoodID: "KT-1700", AssortmentID: "a1", Name: "Чайник", Drilled: true,
		Expected: stockcheck.Units{"W": expected}, Actual: stockcheck.Units{"W": actual}, Docs: docs}
}

func doc(id int64, typ, status string, qnt float64, age time.Duration) stockcheck.Doc {
	return stockcheck.Doc{OutdocID: id, Type: typ, Status: status, CreatedAt: now.Add(-age), Moves: stockcheck.Units{"W": qnt}}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	old := time.Hour
	for _, tc := range []struct {
		name  string
		good  stockcheck.Good
		class string
		note  string
	}{
		{"equal", good(5, 5, doc(1, fulfillment.OutdocSupply, storage.OutdocLocked, 5, old)), storage.StockMatched, ""},
		{"receipt read, not yet written", good(8, 5, doc(1, fulfillment.OutdocSupply, storage.OutdocLocked, 5, old),
			doc(2, fulfillment.OutdocSupply, storage.OutdocNew, 3, old)), storage.StockInFlight, "ещё не применённые"},
		{"receipt not yet read", good(8, 5, doc(2, fulfillment.OutdocSupply, "", 3, time.Minute)), storage.StockInFlight, ""},
		{"two pending, one written already", good(6, 5, doc(2, fulfillment.OutdocSupply, storage.OutdocApplied, 3, old),
			doc(3, fulfillment.OutdocShipment, storage.OutdocNew, -2, old)), storage.StockInFlight, ""},
		{"reverted document still booked", good(2, 5, doc(2, fulfillment.OutdocSupply, storage.OutdocRevert, 3, old)), storage.StockInFlight, ""},
		{"young locked document", good(7, 5, doc(2, fulfillment.OutdocShipment, storage.OutdocLocked, 2, time.Minute)), storage.StockInFlight, ""},
		{"pending does not add up", good(9, 5, doc(2, fulfillment.OutdocSupply, storage.OutdocNew, 3, old)), storage.StockUnexplained, "на 4 ед. меньше"},
		{"applied documents do not explain", good(8, 5, doc(2, fulfillment.OutdocSupply, storage.OutdocLocked, 3, old)), storage.StockUnexplained, "не объясняется"},
		{"unmirrored orders", good(3, 5, doc(1, fulfillment.OutdocSupply, storage.OutdocLocked, 5, old),
			stockcheck.Doc{OutdocID: 4, Type: fulfillment.OutdocOrdersShipment, TypeName: "Отгрузка заказов", CreatedAt: now.Add(-old), Moves: stockcheck.Units{"W": -2}}),
			storage.StockExplained, "Отгрузка заказов (orders_shipment)"},
		{"unmirrored plus in flight", good(4, 5, doc(4, fulfillment.OutdocOrdersShipment, "", -2, old), doc(5, fulfillment.OutdocSupply, storage.OutdocNew, 1, old)),
			storage.StockExplained, "не переносит"},
		{"failed document", good(8, 5, doc(2, fulfillment.OutdocSupply, storage.OutdocFailed, 3, old)), storage.StockUnexplained, "№2"},
		{"behind skladflow's back", good(8, 5), storage.StockUnexplained, "в МойСклад на 3 ед. меньше"},
		{"MoySklad holds more", good(5, 7), storage.StockUnexplained, "в МойСклад на 2 ед. больше"},
		{"not drilled", func() stockcheck.Good { g := good(8, 5); g.Drilled = false; return g }(), storage.StockUnexplained, "не запрошены"},
		{"unknown to MoySklad", stockcheck.Good{GoodID: "X-1", Expected: stockcheck.Units{"W": 2}}, storage.StockUnexplained, "не связан"},
		{"unknown to MoySklad, none in stock", stockcheck.Good{GoodID: "X-1", Expected: stockcheck.Units{"W": 0}}, storage.StockMatched, ""},
		{"unknown to the warehouse", stockcheck.Good{AssortmentID: "a9", Actual: stockcheck.Units{"W": 4}}, storage.StockUnexplained, "не зарегистрирован"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := stockcheck.Classify(tc.good, policy())
			require.Equal(t, tc.class, r.Class, r.Note)
			require.Contains(t, r.Note, tc.note)
			require.Len(t, r.Docs, len(tc.good.Docs))
		})
	}
}

func TestClassifyByStore(t *testing.T) {
	t.Parallel()
	// The total matches, but the units sit at the wrong store: a move to
	// long storage that was not mirrored yet is in flight, not matched.
	g := stockcheck.Good{GoodID: "KT-1700", AssortmentID: "a1", Drilled: true,
		Expected: stockcheck.Units{"W": 3, "L": 2}, Actual: stockcheck.Units{"W": 5},
		Docs: []stockcheck.Doc{{OutdocID: 7, Type: fulfillment.OutdocToLongStorage, Status: storage.OutdocNew, CreatedAt: now.Add(-time.Hour),
			Moves: stockcheck.Units{"W": -2, "L": 2}}}}
	p := policy()
	r := stockcheck.Classify(g, p)
	require.Equal(t, storage.StockExplained, r.Class, "long storage is not mirrored by this policy")
	require.Contains(t, r.Note, fulfillment.OutdocToLongStorage)
	p.Mirrored = func(string) bool { return true }
	r = stockcheck.Classify(g, p)
	require.Equal(t, storage.StockInFlight, r.Class)
	require.Equal(t, []storage.StockCheckDocument{{OutdocID: 7, Type: fulfillment.OutdocToLongStorage, CreatedAt: now.Add(-time.Hour),
		Status: storage.OutdocNew, Role: stockcheck.RoleInFlight}}, r.Docs)

	g.Docs = nil
	r = stockcheck.Classify(g, p)
	require.Equal(t, storage.StockUnexplained, r.Class)
	require.Contains(t, r.Note, "распределено иначе")
}

func TestClassifyManyPending(t *testing.T) {
	t.Parallel()
	// Beyond the combinations tried, all pending documents together still
	// count.
	var docs []stockcheck.Doc
	for i := range 20 {
		docs = append(docs, doc(int64(i+1), fulfillment.OutdocSupply, storage.OutdocNew, 1, time.Hour))
	}
	require.Equal(t, storage.StockInFlight, stockcheck.Classify(good(25, 5, docs...), policy()).Class)
	require.Equal(t, storage.StockInFlight, stockcheck.Classify(good(6, 5, docs...), policy()).Class)
	require.Equal(t, storage.StockUnexplained, stockcheck.Classify(good(26, 5, docs...), policy()).Class)
}
