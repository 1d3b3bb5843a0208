package fboxtest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
)

func serialMove(good, qual, sn string, inout int) fulfillment.SerialMove {
	return fulfillment.SerialMove{GoodID: good, QualType: qual, GoodSN: sn, InOut: inout}
}

// The warehouse's own stock documents report the serials of the units they
// move (common_interface_outdoc_good_sn): a unit changing state or quality
// leaves one cell and arrives at another; a box comes back from long
// storage with the units it went with (#goods_long_desc).
func TestStockDocumentsReportTheirUnits(t *testing.T) {
	t.Parallel()
	s, c := setupStock(t)
	s.AddSerials("A", false, "SN-1", "SN-2", "SN-3", "SN-4")
	const u, d = fulfillment.QualUseful, fulfillment.QualDefective
	const st, q, ls = fulfillment.GoodStateStock, fulfillment.GoodStateQuarantine, fulfillment.GoodStateLongStorage
	serials := func(id int64) []fulfillment.SerialMove {
		got, err := c.OutdocSerials(t.Context(), id)
		require.NoError(t, err)
		return got
	}

	lost, err := s.Correction(fulfillment.CorrectionManual, fboxtest.CorrectionLine{GoodID: "A", Stock: -1, Quarantine: 1, Serials: []string{"SN-3"}})
	require.NoError(t, err)
	require.Equal(t, []fulfillment.SerialMove{serialMove("A", u, "SN-3", -1), serialMove("A", u, "SN-3", 1)}, serials(lost))
	require.Equal(t, []string{"SN-3"}, s.SerialsAt("A", u, q))

	found, err := s.Correction(fulfillment.CorrectionManual, fboxtest.CorrectionLine{GoodID: "A", Stock: 1, Quarantine: -1})
	require.NoError(t, err)
	require.Equal(t, []fulfillment.SerialMove{serialMove("A", u, "SN-3", -1), serialMove("A", u, "SN-3", 1)}, serials(found),
		"the unit found is the one in quarantine")
	require.Equal(t, []string{"SN-1", "SN-2", "SN-3", "SN-4"}, s.SerialsAt("A", u, st))

	spoilt, err := s.Correction(fulfillment.CorrectionUsefulDefective,
		fboxtest.CorrectionLine{GoodID: "A", Stock: -1, Serials: []string{"SN-4"}}, fboxtest.CorrectionLine{GoodID: "A", Defective: true, Stock: 1})
	require.NoError(t, err)
	require.Equal(t, []fulfillment.SerialMove{serialMove("A", u, "SN-4", -1), serialMove("A", d, "SN-4", 1)}, serials(spoilt))

	to, err := s.ToLongStorage(1, fboxtest.LongBox{BoxID: 5, Lines: []fboxtest.Line{{GoodID: "A", Useful: 2}}})
	require.NoError(t, err)
	require.Equal(t, []fulfillment.SerialMove{serialMove("A", u, "SN-1", -1), serialMove("A", u, "SN-2", -1),
		serialMove("A", u, "SN-1", 1), serialMove("A", u, "SN-2", 1)}, serials(to))
	require.Equal(t, []string{"SN-1", "SN-2"}, s.SerialsAt("A", u, ls))
	require.Equal(t, []string{"SN-3"}, s.SerialsAt("A", u, st))

	back, err := s.FromLongStorage(5)
	require.NoError(t, err)
	require.Equal(t, []fulfillment.SerialMove{serialMove("A", u, "SN-1", -1), serialMove("A", u, "SN-2", -1),
		serialMove("A", u, "SN-1", 1), serialMove("A", u, "SN-2", 1)}, serials(back))
	require.Equal(t, []string{"SN-1", "SN-2", "SN-3"}, s.SerialsAt("A", u, st))

	_, err = s.Correction(fulfillment.CorrectionManual, fboxtest.CorrectionLine{GoodID: "A", Stock: -1, Quarantine: 1, Serials: []string{"SN-4"}})
	require.Error(t, err, "SN-4 is defective, not a useful unit in stock")

	// Units without a serial are not reported: a good with fewer serials
	// than units reports fewer.
	s.AddStock("B", 2, 0)
	s.AddSerials("B", false, "B-1")
	bare, err := s.Correction(fulfillment.CorrectionQuarantineReset, fboxtest.CorrectionLine{GoodID: "B", Stock: 0, Quarantine: -1})
	require.Error(t, err, "nothing of B is in quarantine")
	require.Zero(t, bare)
	gone, err := s.Correction(fulfillment.CorrectionManual, fboxtest.CorrectionLine{GoodID: "B", Stock: -3, Quarantine: 3})
	require.NoError(t, err)
	require.Equal(t, []fulfillment.SerialMove{serialMove("B", u, "B-1", -1), serialMove("B", u, "B-1", 1)}, serials(gone))
}
