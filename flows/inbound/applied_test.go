package inbound

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

// withdraw is the mirror of adjust: taking a part's units out of what the
// final receipt wrote gives what the final would have written without it.
func TestWithdrawMirrorsAdjust(t *testing.T) {
	t.Parallel()
	kettle := moyskladtest.Product("k", "KT", "Чайник")
	planned := []moysklad.Position{moyskladtest.Position("1", 5, kettle), moyskladtest.Position("2", 5, kettle)}
	withPart := adjust(planned, []received{{SKU: "KT", Useful: 12}}, byArticle, defaults, nil, nil)
	for _, part := range []int64{4, 9, 12} {
		without := adjust(planned, []received{{SKU: "KT", Useful: 12 - part}}, byArticle, defaults, nil, nil)
		// As MoySklad gives it back: the same lines, goods expanded.
		written := []moysklad.Position{moyskladtest.Position("1", withPart.Positions[0].Quantity, kettle), moyskladtest.Position("2", withPart.Positions[1].Quantity, kettle)}
		got, said := withdraw(written, []unit{{SKU: "KT", Qty: part}}, byArticle, nil)
		require.Equal(t, quantitiesOf(without.Positions), quantitiesOf(got), "part of %d", part)
		require.Len(t, said, 1)
	}
}

// MoySklad takes no line with quantity 0: a line withdrawn to nothing goes.
func TestWithdrawRemovesEmptyLines(t *testing.T) {
	t.Parallel()
	mug := moyskladtest.Product("m", "MG", "Кружка")
	got, _ := withdraw([]moysklad.Position{moyskladtest.Position("1", 3, mug)}, []unit{{SKU: "MG", Qty: 3}}, byArticle, nil)
	require.Empty(t, got)
}

func TestClassifyIsDecidedByTheStateAtApply(t *testing.T) {
	t.Parallel()
	part := int32(1)
	surplus := &fulfillment.Supply{Common: fulfillment.OutdocCommon{Attributes: []fulfillment.OutdocAttribute{
		{AttributeID: fulfillment.AttrSurplusOf, Value: "MS-1"}}}}
	require.Equal(t, kindPart, classify(&fulfillment.Supply{PartNum: &part}, "receiving"))
	require.Equal(t, kindPart, classify(surplus, "submitted"))
	require.Equal(t, kindLate, classify(surplus, "received"))
	require.Equal(t, kindLate, classify(&fulfillment.Supply{PartNum: &part}, "received"))
	require.Equal(t, kindFinal, classify(&fulfillment.Supply{}, "receiving"))
}

func quantitiesOf(ps []moysklad.Position) []float64 {
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = p.Quantity
	}
	return out
}
