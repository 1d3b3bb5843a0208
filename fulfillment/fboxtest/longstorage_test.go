package fboxtest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
)

func readLong(t *testing.T, c *fulfillment.Client, id int64, typ string) *fulfillment.LongStorageMove {
	t.Helper()
	raw, err := c.GetOutdoc(t.Context(), id)
	require.NoError(t, err)
	d, err := fulfillment.ParseLongStorageMove(raw, typ)
	require.NoError(t, err)
	return d
}

// #goods_long_desc: boxes go to long storage with their goods and come
// back whole, with the same goods; stock moves between the states.
func TestLongStorageRoundTrip(t *testing.T) {
	t.Parallel()
	s, c := setupStock(t)
	s.AddStock("A", 10, 2)
	s.AddStock("B", 5, 0)
	to, err := s.ToLongStorage(7,
		fboxtest.LongBox{BoxID: 11, Lines: []fboxtest.Line{{GoodID: "A", Useful: 4, Defective: 1}}},
		fboxtest.LongBox{BoxID: 12, Lines: []fboxtest.Line{{GoodID: "B", Useful: 5}}})
	require.NoError(t, err)
	d := readLong(t, c, to, fulfillment.OutdocToLongStorage)
	wantCommon(t, d.Common, to, fulfillment.OutdocToLongStorage, "Товары пееремещены на склад длительного хранения")
	require.EqualValues(t, 7, d.FBOMode)
	box11 := fulfillment.LongStorageBox{BoxID: 11, Goods: []fulfillment.LongStorageGood{
		{GoodID: "A", QualType: fulfillment.QualUseful, Qnt: 4}, {GoodID: "A", QualType: fulfillment.QualDefective, Qnt: 1}}}
	box12 := fulfillment.LongStorageBox{BoxID: 12, Goods: []fulfillment.LongStorageGood{{GoodID: "B", QualType: fulfillment.QualUseful, Qnt: 5}}}
	require.Equal(t, []fulfillment.LongStorageBox{box11, box12}, d.Boxes)
	require.EqualValues(t, 6, s.StockOf("A", fulfillment.QualUseful, fulfillment.GoodStateStock))
	require.EqualValues(t, 4, s.StockOf("A", fulfillment.QualUseful, fulfillment.GoodStateLongStorage))
	require.EqualValues(t, 1, s.StockOf("A", fulfillment.QualDefective, fulfillment.GoodStateLongStorage))

	from, err := s.FromLongStorage(12)
	require.NoError(t, err)
	d = readLong(t, c, from, fulfillment.OutdocFromLongStorage)
	wantCommon(t, d.Common, from, fulfillment.OutdocFromLongStorage, "Возврат товаров со склада длительного хранения")
	require.Zero(t, d.FBOMode)
	require.Equal(t, []fulfillment.LongStorageBox{box12}, d.Boxes)
	moves, err := c.OutdocGoods(t.Context(), from)
	require.NoError(t, err)
	require.Equal(t, []fulfillment.GoodMove{
		{GoodID: "B", GoodState: fulfillment.GoodStateStock, QualType: fulfillment.QualUseful, Qnt: 5},
		{GoodID: "B", GoodState: fulfillment.GoodStateLongStorage, QualType: fulfillment.QualUseful, Qnt: -5},
	}, moves)

	_, err = s.FromLongStorage(12)
	require.Error(t, err, "box 12 came back already")
	_, err = s.ToLongStorage(7, fboxtest.LongBox{BoxID: 12, Lines: []fboxtest.Line{{GoodID: "B", Useful: 1}}})
	require.NoError(t, err, "a box back from long storage may go again")
}

// Invalid long-storage moves refuse the control call; nothing is issued.
func TestLongStorageRefused(t *testing.T) {
	t.Parallel()
	s, _ := setupStock(t)
	s.AddStock("A", 3, 0)
	a := fboxtest.Line{GoodID: "A", Useful: 1}
	box := func(id int32, lines ...fboxtest.Line) fboxtest.LongBox {
		return fboxtest.LongBox{BoxID: id, Lines: lines}
	}
	for name, call := range map[string]func() (int64, error){
		"no fbo_mode":         func() (int64, error) { return s.ToLongStorage(0, box(1, a)) },
		"no boxes":            func() (int64, error) { return s.ToLongStorage(7) },
		"no box_id":           func() (int64, error) { return s.ToLongStorage(7, box(0, a)) },
		"empty box":           func() (int64, error) { return s.ToLongStorage(7, box(1)) },
		"box twice":           func() (int64, error) { return s.ToLongStorage(7, box(1, a), box(1, a)) },
		"unknown good":        func() (int64, error) { return s.ToLongStorage(7, box(1, fboxtest.Line{GoodID: "Z", Useful: 1})) },
		"more than stock":     func() (int64, error) { return s.ToLongStorage(7, box(1, fboxtest.Line{GoodID: "A", Useful: 4})) },
		"defective not there": func() (int64, error) { return s.ToLongStorage(7, box(1, fboxtest.Line{GoodID: "A", Defective: 1})) },
		"unknown box back":    func() (int64, error) { return s.FromLongStorage(99) },
		"nothing back":        func() (int64, error) { return s.FromLongStorage() },
	} {
		_, err := call()
		require.Error(t, err, name)
	}
	require.Zero(t, s.LastOutdoc())

	_, err := s.ToLongStorage(7, box(1, a))
	require.NoError(t, err)
	_, err = s.ToLongStorage(7, box(1, a))
	require.Error(t, err, "box 1 is in long storage already")
}
