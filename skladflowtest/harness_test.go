package skladflowtest_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/skladflowtest"
)

func TestSupplyFlow(t *testing.T) {
	t.Parallel()
	h := skladflowtest.Start(t, skladflowtest.Options{})
	kettle := h.Products[0]
	doc, err := h.Supply("00042", "Поставка", skladflowtest.Line{Product: kettle, Quantity: 5, Price: 10000})
	require.NoError(t, err)
	require.NoError(t, h.SetStatus(moysklad.TypeSupply, doc.ID, "Передать"))
	_, err = h.WaitStatus(t.Context(), moysklad.TypeSupply, doc.ID, "Передан")
	require.NoError(t, err)
	row, err := h.WaitState(t.Context(), moysklad.TypeSupply, doc.ID, "submitted")
	require.NoError(t, err)

	_, err = h.Receive(t.Context(), row.IndocID, fboxtest.Line{GoodID: "KT-1700", Useful: 4})
	require.NoError(t, err)
	d, err := h.WaitStatus(t.Context(), moysklad.TypeSupply, doc.ID, "Проведён")
	require.NoError(t, err)
	require.Equal(t, map[string]float64{"KT-1700": 4}, skladflowtest.Quantities(d))
	require.Contains(t, skladflowtest.LastLine(d), "ожидалось 5, принято 4")
	require.Len(t, skladflowtest.LogLines(d), 2)
}

func TestProcessNowWithoutNotification(t *testing.T) {
	t.Parallel()
	h := skladflowtest.Start(t, skladflowtest.Options{})
	h.MoySklad.DisableWebhooks()
	doc, err := h.Supply("00043", "", skladflowtest.Line{Product: h.Products[1], Quantity: 2})
	require.NoError(t, err)
	require.NoError(t, h.SetStatus(moysklad.TypeSupply, doc.ID, "Передать"))
	require.NoError(t, h.ProcessNow(t.Context(), moysklad.TypeSupply, doc.ID))
	d, err := h.MoySklad.Document(moysklad.TypeSupply, doc.ID)
	require.NoError(t, err)
	require.Equal(t, "Передан", d.StateName(), "the run is over when ProcessNow returns")
}

func TestWaitStatusNamesWhereTheDocumentIs(t *testing.T) {
	t.Parallel()
	h := skladflowtest.Start(t, skladflowtest.Options{WaitTimeout: 100e6})
	doc, err := h.Supply("00044", "Текст", skladflowtest.Line{Product: h.Products[0], Quantity: 1})
	require.NoError(t, err)
	_, err = h.WaitStatus(t.Context(), moysklad.TypeSupply, doc.ID, "Передан")
	require.ErrorContains(t, err, `status "Передан" not reached; document is in "" with comment:`+"\nТекст")
}

func TestNewKeepsItsFilesInItsDirectory(t *testing.T) {
	t.Parallel()
	if os.Getenv(skladflowtest.PostgresEnv) != "" {
		t.Skip("the database is a PostgreSQL schema, not a file in the directory")
	}
	h, err := skladflowtest.New(t.Context(), skladflowtest.Options{NoService: true})
	require.NoError(t, err)
	dir := filepath.Dir(h.Config.Database)
	require.True(t, filepath.IsAbs(dir), "not in the working directory")
	_, err = os.Stat(dir)
	require.NoError(t, err)
	h.Close()
	_, err = os.Stat(dir)
	require.True(t, os.IsNotExist(err), "Close removes the directory it made")
}
