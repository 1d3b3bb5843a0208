package fboxtest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
)

func readCorrection(t *testing.T, c *fulfillment.Client, id int64) *fulfillment.GoodsCorrection {
	t.Helper()
	raw, err := c.GetOutdoc(t.Context(), id)
	require.NoError(t, err)
	d, err := fulfillment.ParseGoodsCorrection(raw)
	require.NoError(t, err)
	return d
}

// Schema goods_correction: every correction type's body holds what was
// asked, with the type's description; its moves put stock_qnt in state
// stock and quarantine_qnt in state quarantine.
func TestCorrectionBodies(t *testing.T) {
	t.Parallel()
	s, c := setupStock(t)
	s.AddStock("A", 10, 10)
	s.AddStock("B", 10, 10)
	for _, tc := range []struct {
		typ, descrip string
		lines        []fboxtest.CorrectionLine
	}{
		{fulfillment.CorrectionManual, "Ручная коррекция", []fboxtest.CorrectionLine{{GoodID: "A", Stock: -2, Quarantine: 2}}},
		{fulfillment.CorrectionSurplus, "Оприходование излишков", []fboxtest.CorrectionLine{{GoodID: "A", Stock: 1, Quarantine: -1}}},
		{fulfillment.CorrectionUsefulDefective, "Перевод товара из нормы в брак и обратно",
			[]fboxtest.CorrectionLine{{GoodID: "A", Defective: true, Stock: -1}, {GoodID: "A", Stock: 1}}},
		{fulfillment.CorrectionExpiration, "Выбраковка товара по сроку годности",
			[]fboxtest.CorrectionLine{{GoodID: "B", Stock: -3}, {GoodID: "B", Defective: true, Stock: 3}}},
		{fulfillment.CorrectionRegrade, "Пересорт (изменение кода товара)",
			[]fboxtest.CorrectionLine{{GoodID: "A", Stock: -1}, {GoodID: "B", Stock: 1}}},
		{fulfillment.CorrectionQuarantineReset, "Обнуление карантина", []fboxtest.CorrectionLine{{GoodID: "A", Quarantine: -1}}},
	} {
		id, err := s.Correction(tc.typ, tc.lines...)
		require.NoError(t, err, tc.typ)
		d := readCorrection(t, c, id)
		wantCommon(t, d.Common, id, fulfillment.OutdocCorrection, "Инвентаризация-коррекция")
		require.Equal(t, tc.typ, d.CorrectionType)
		require.Equal(t, tc.descrip, d.CorrectionTypeDescrip)
		var want []fulfillment.CorrectionGood
		var moves []fulfillment.GoodMove
		for _, l := range tc.lines {
			q := fulfillment.QualUseful
			if l.Defective {
				q = fulfillment.QualDefective
			}
			want = append(want, fulfillment.CorrectionGood{GoodID: l.GoodID, QualType: q, StockQnt: l.Stock, QuarantineQnt: l.Quarantine})
			if l.Stock != 0 {
				moves = append(moves, fulfillment.GoodMove{GoodID: l.GoodID, GoodState: fulfillment.GoodStateStock, QualType: q, Qnt: l.Stock})
			}
			if l.Quarantine != 0 {
				moves = append(moves, fulfillment.GoodMove{GoodID: l.GoodID, GoodState: fulfillment.GoodStateQuarantine, QualType: q, Qnt: l.Quarantine})
			}
		}
		require.Equal(t, want, d.Goods, tc.typ)
		got, err := c.OutdocGoods(t.Context(), id)
		require.NoError(t, err)
		require.Equal(t, moves, got, tc.typ)
	}
	require.EqualValues(t, 10-2+1+1-1, s.StockOf("A", fulfillment.QualUseful, fulfillment.GoodStateStock))
	require.EqualValues(t, 10-1, s.StockOf("A", fulfillment.QualDefective, fulfillment.GoodStateStock))
	require.Zero(t, s.StockOf("A", fulfillment.QualUseful, fulfillment.GoodStateQuarantine))
	require.EqualValues(t, 10-3+1, s.StockOf("B", fulfillment.QualUseful, fulfillment.GoodStateStock))
	require.EqualValues(t, 10+3, s.StockOf("B", fulfillment.QualDefective, fulfillment.GoodStateStock))
}

// Lines that do not have their type's shape, or take more than there is,
// refuse the control call; nothing is issued.
func TestCorrectionsRefused(t *testing.T) {
	t.Parallel()
	s, _ := setupStock(t)
	s.AddStock("A", 2, 0)
	s.AddStock("B", 2, 0)
	type line = fboxtest.CorrectionLine
	for name, tc := range map[string]struct {
		typ   string
		lines []line
	}{
		"unknown type":               {"recount", []line{{GoodID: "A", Stock: -1, Quarantine: 1}}},
		"no lines":                   {fulfillment.CorrectionManual, nil},
		"unknown good":               {fulfillment.CorrectionManual, []line{{GoodID: "Z", Stock: -1, Quarantine: 1}}},
		"empty line":                 {fulfillment.CorrectionManual, []line{{GoodID: "A"}}},
		"manual unbalanced":          {fulfillment.CorrectionManual, []line{{GoodID: "A", Stock: -1}}},
		"manual more than stock":     {fulfillment.CorrectionManual, []line{{GoodID: "A", Stock: -3, Quarantine: 3}}},
		"manual back from nothing":   {fulfillment.CorrectionManual, []line{{GoodID: "A", Stock: 1, Quarantine: -1}}},
		"surplus into quarantine":    {fulfillment.CorrectionSurplus, []line{{GoodID: "A", Stock: -1, Quarantine: 1}}},
		"surplus without quarantine": {fulfillment.CorrectionSurplus, []line{{GoodID: "A", Stock: 1, Quarantine: -1}}},
		"quality change unbalanced":  {fulfillment.CorrectionUsefulDefective, []line{{GoodID: "A", Stock: -1}}},
		"quality change quarantine":  {fulfillment.CorrectionUsefulDefective, []line{{GoodID: "A", Stock: -1, Quarantine: 1}, {GoodID: "A", Defective: true, Stock: 1}}},
		"defective more than there":  {fulfillment.CorrectionUsefulDefective, []line{{GoodID: "A", Defective: true, Stock: -1}, {GoodID: "A", Stock: 1}}},
		"expiration to useful":       {fulfillment.CorrectionExpiration, []line{{GoodID: "A", Stock: 1}, {GoodID: "A", Defective: true, Stock: -1}}},
		"regrade one good":           {fulfillment.CorrectionRegrade, []line{{GoodID: "A", Stock: -1}, {GoodID: "A", Stock: 1}}},
		"regrade unbalanced":         {fulfillment.CorrectionRegrade, []line{{GoodID: "A", Stock: -1}, {GoodID: "B", Stock: 2}}},
		"regrade more than stock":    {fulfillment.CorrectionRegrade, []line{{GoodID: "A", Stock: -3}, {GoodID: "B", Stock: 3}}},
		"reset with stock":           {fulfillment.CorrectionQuarantineReset, []line{{GoodID: "A", Stock: -1, Quarantine: -1}}},
		"reset empty quarantine":     {fulfillment.CorrectionQuarantineReset, []line{{GoodID: "A", Quarantine: -1}}},
	} {
		_, err := s.Correction(tc.typ, tc.lines...)
		require.Error(t, err, name)
	}
	require.Zero(t, s.LastOutdoc())
}
