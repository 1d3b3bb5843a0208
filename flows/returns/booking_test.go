package returns

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/placement"
)

const (
	useful    = fulfillment.QualUseful
	defective = fulfillment.QualDefective
)

func TestBookFullReturnWithDefectAndQuarantine(t *testing.T) {
	t.Parallel()
	goods := []fulfillment.ReturnedGood{
		{GoodID: "KT", QualType: useful, StockQnt: 1, QuarantineQnt: 1},
		{GoodID: "KT", QualType: defective, StockQnt: 1},
		{GoodID: "MG", QualType: useful, StockQnt: 2},
	}
	shipped := map[string]int64{"KT": 3, "MG": 2}
	// Defect store set, quarantine written off.
	r := placement.Rules{Store: "W", DefectStore: "D", Defective: true}
	b := book(r, goods, shipped)
	require.Equal(t, map[string]map[string]int64{"W": {"KT": 1, "MG": 2}, "D": {"KT": 1}}, b.Returned)
	require.Empty(t, b.Excess)
	require.Equal(t, map[string]int64{"KT": 3, "MG": 2}, b.Counted, "the quarantined unit counts as come back")
	require.Empty(t, b.Beyond)
	require.Equal(t, int64(3), b.Useful)
	require.Equal(t, int64(1), b.Defective)
	require.Equal(t, int64(1), b.QuarantineUnbooked)
	require.True(t, complete(shipped, b.Counted))
	require.Equal(t, "годных 3, брак 1, в карантине 1 — не возвращены на склад, недостача склада", unitsText(b))

	// Quarantine kept on the books, defective not booked at all.
	r = placement.Rules{Store: "W", KeepQuarantine: true}
	b = book(r, goods, shipped)
	require.Equal(t, map[string]map[string]int64{"W": {"KT": 2, "MG": 2}}, b.Returned)
	require.Equal(t, "годных 3, брак 1 (брак в МоёмСкладе не учитывается), в карантине 1 — не найдены в посылке, недостача склада; остаются на учёте до инвентаризации", unitsText(b))
}

func TestBookCapsAtWhatWasShipped(t *testing.T) {
	t.Parallel()
	r := placement.Rules{Store: "W", Defective: true}
	goods := []fulfillment.ReturnedGood{{GoodID: "KT", QualType: useful, StockQnt: 3}, {GoodID: "XX", QualType: useful, StockQnt: 1}}
	b := book(r, goods, map[string]int64{"KT": 2})
	require.Equal(t, map[string]map[string]int64{"W": {"KT": 2}}, b.Returned)
	require.Equal(t, map[string]map[string]int64{"W": {"KT": 1, "XX": 1}}, b.Excess, "beyond the shipment, and a good never shipped")
	require.Equal(t, map[string]int64{"KT": 1, "XX": 1}, b.Beyond)
	require.Equal(t, map[string]int64{"KT": 2}, b.Counted)
	require.Equal(t, "KT 1 шт., XX 1 шт.", goodsText(b.Beyond))

	// Stock before quarantine: the units the warehouse holds are booked first.
	b = book(placement.Rules{Store: "W", Defective: true, KeepQuarantine: true},
		[]fulfillment.ReturnedGood{{GoodID: "KT", QualType: useful, StockQnt: 1, QuarantineQnt: 1}}, map[string]int64{"KT": 1})
	require.Equal(t, map[string]map[string]int64{"W": {"KT": 1}}, b.Returned)
	require.Equal(t, map[string]map[string]int64{"W": {"KT": 1}}, b.Excess)

	// Unlinked: nothing is capped.
	b = book(r, goods, nil)
	require.Equal(t, map[string]map[string]int64{"W": {"KT": 3, "XX": 1}}, b.Returned)
	require.Empty(t, b.Excess)
}

func TestCompleteNeedsEveryShippedUnit(t *testing.T) {
	t.Parallel()
	require.False(t, complete(map[string]int64{"KT": 2, "MG": 1}, map[string]int64{"KT": 2}))
	require.True(t, complete(map[string]int64{"KT": 2, "MG": 1}, map[string]int64{"KT": 2, "MG": 1}))
}
