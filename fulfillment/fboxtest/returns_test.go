package fboxtest_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
)

// setupStock is an emulator on a fixed clock with goods A and B
// registered, and a client.
func setupStock(t *testing.T) (*fboxtest.Server, *fulfillment.Client) {
	t.Helper()
	now := time.Date(2026, 3, 14, 12, 30, 0, 0, fulfillment.Moscow)
	s := setup(t, fboxtest.Options{Now: func() time.Time { return now }})
	c, err := fulfillment.NewClient(fulfillment.Config{BaseURL: s.URL(), PartnerID: "partner", Password: "secret"})
	require.NoError(t, err)
	require.NoError(t, c.RegisterGoods(t.Context(), fulfillment.Good{GoodID: "A", GoodName: "A"}, fulfillment.Good{GoodID: "B", GoodName: "B"}))
	return s, c
}

// wantCommon checks the common part every warehouse-initiated document
// gets: its id and type, the spec's description, today's work date,
// created_at in Moscow time and no indoc_id (fbox.md §5).
func wantCommon(t *testing.T, c fulfillment.OutdocCommon, id int64, typ, descrip string) {
	t.Helper()
	require.Equal(t, id, c.OutdocID)
	require.Equal(t, typ, c.OutdocType)
	require.Equal(t, descrip, c.OutdocTypeDescrip)
	require.Equal(t, "2026-03-14", c.OutdocDate.Format(fulfillment.DateLayout))
	require.Equal(t, "2026-03-14T12:30:00", c.CreatedAt.String())
	require.Empty(t, c.IndocID)
}

func readReturn(t *testing.T, c *fulfillment.Client, id int64, typ string) (*fulfillment.OrdersReturn, []byte) {
	t.Helper()
	raw, err := c.GetOutdoc(t.Context(), id)
	require.NoError(t, err)
	r, err := fulfillment.ParseOrdersReturn(raw, typ)
	require.NoError(t, err)
	return r, raw
}

// Schema orders_full_return: the body holds what was asked, and
// quarantine_qnt, required, is written even at 0.
func TestFullReturnBody(t *testing.T) {
	t.Parallel()
	s, c := setupStock(t)
	id, err := s.FullReturn("O1", 3, "Не удалось вручить",
		fboxtest.ReturnLine{GoodID: "A", Stock: 1, Quarantine: 1, SN: "SN-1"},
		fboxtest.ReturnLine{GoodID: "B", Defective: true, Stock: 2})
	require.NoError(t, err)
	r, raw := readReturn(t, c, id, fulfillment.OutdocOrdersFullReturn)
	wantCommon(t, r.Common, id, fulfillment.OutdocOrdersFullReturn, "Полный возврат заказов")
	require.Equal(t, []fulfillment.ReturnedOrder{{OrderID: "O1", RetReason: 3, RetReasonDescrip: "Не удалось вручить",
		Goods: []fulfillment.ReturnedGood{
			{GoodID: "A", QualType: fulfillment.QualUseful, GoodSN: "SN-1", StockQnt: 1, QuarantineQnt: 1},
			{GoodID: "B", QualType: fulfillment.QualDefective, StockQnt: 2},
		}}}, r.Orders)

	var body struct {
		Orders []struct {
			Goods []map[string]any `json:"goods"`
		} `json:"orders"`
	}
	require.NoError(t, json.Unmarshal(raw, &body))
	require.Contains(t, body.Orders[0].Goods[1], "quarantine_qnt")

	sns, err := c.OutdocSerials(t.Context(), id)
	require.NoError(t, err)
	require.Equal(t, []fulfillment.SerialMove{{GoodID: "A", QualType: fulfillment.QualUseful, GoodSN: "SN-1",
		InOut: fulfillment.SerialIn, OrderID: "O1"}}, sns)

	moves, err := c.OutdocGoods(t.Context(), id)
	require.NoError(t, err)
	require.ElementsMatch(t, []fulfillment.GoodMove{
		{GoodID: "A", GoodState: fulfillment.GoodStateStock, QualType: fulfillment.QualUseful, Qnt: 1},
		{GoodID: "A", GoodState: fulfillment.GoodStateQuarantine, QualType: fulfillment.QualUseful, Qnt: 1},
		{GoodID: "B", GoodState: fulfillment.GoodStateStock, QualType: fulfillment.QualDefective, Qnt: 2},
	}, moves)
}

// Schema orders_part_return: order_id and goods; no quarantine.
func TestPartReturnBody(t *testing.T) {
	t.Parallel()
	s, c := setupStock(t)
	id, err := s.PartReturn("O2", fboxtest.ReturnLine{GoodID: "A", Stock: 2})
	require.NoError(t, err)
	r, raw := readReturn(t, c, id, fulfillment.OutdocOrdersPartReturn)
	wantCommon(t, r.Common, id, fulfillment.OutdocOrdersPartReturn, "Частичный возврат заказов")
	require.Equal(t, []fulfillment.ReturnedOrder{{OrderID: "O2",
		Goods: []fulfillment.ReturnedGood{{GoodID: "A", QualType: fulfillment.QualUseful, StockQnt: 2}}}}, r.Orders)
	require.NotContains(t, string(raw), "quarantine_qnt")
	require.NotContains(t, string(raw), "indoc_id")
}

// Schema orders_client_return: one document, several parcels, each with
// return_barcode; the order only when known.
func TestClientReturnsBody(t *testing.T) {
	t.Parallel()
	s, c := setupStock(t)
	id, err := s.ClientReturns(
		fboxtest.ClientReturn{ReturnBarcode: "RB1", ParcelBarcode: "PB1", OrderID: "O3", Lines: []fboxtest.ReturnLine{{GoodID: "A", Stock: 1}}},
		fboxtest.ClientReturn{ReturnBarcode: "RB2", Lines: []fboxtest.ReturnLine{{GoodID: "B", Defective: true, Stock: 1}}})
	require.NoError(t, err)
	r, _ := readReturn(t, c, id, fulfillment.OutdocOrdersClientReturn)
	wantCommon(t, r.Common, id, fulfillment.OutdocOrdersClientReturn, "Клиентский возврат заказов")
	require.Equal(t, []fulfillment.ReturnedOrder{
		{ReturnBarcode: "RB1", ParcelBarcode: "PB1", OrderID: "O3", Goods: []fulfillment.ReturnedGood{{GoodID: "A", QualType: fulfillment.QualUseful, StockQnt: 1}}},
		{ReturnBarcode: "RB2", Goods: []fulfillment.ReturnedGood{{GoodID: "B", QualType: fulfillment.QualDefective, StockQnt: 1}}},
	}, r.Orders)
	require.EqualValues(t, 1, s.StockOf("B", fulfillment.QualDefective, fulfillment.GoodStateStock))
}

// What the schemas require and a return's sense refuse the control call;
// nothing is issued.
func TestReturnsRefused(t *testing.T) {
	t.Parallel()
	s, _ := setupStock(t)
	a := fboxtest.ReturnLine{GoodID: "A", Stock: 1}
	for name, call := range map[string]func() (int64, error){
		"full: no order_id":      func() (int64, error) { return s.FullReturn("", 1, "x", a) },
		"full: no goods":         func() (int64, error) { return s.FullReturn("O1", 1, "x") },
		"full: unknown good":     func() (int64, error) { return s.FullReturn("O1", 1, "x", fboxtest.ReturnLine{GoodID: "Z", Stock: 1}) },
		"full: negative":         func() (int64, error) { return s.FullReturn("O1", 1, "x", fboxtest.ReturnLine{GoodID: "A", Stock: -1}) },
		"full: nothing returned": func() (int64, error) { return s.FullReturn("O1", 1, "x", fboxtest.ReturnLine{GoodID: "A"}) },
		"part: no order_id":      func() (int64, error) { return s.PartReturn("", a) },
		"part: quarantine":       func() (int64, error) { return s.PartReturn("O1", fboxtest.ReturnLine{GoodID: "A", Quarantine: 1}) },
		"client: no parcels":     func() (int64, error) { return s.ClientReturns() },
		"client: no barcode":     func() (int64, error) { return s.ClientReturns(fboxtest.ClientReturn{Lines: []fboxtest.ReturnLine{a}}) },
		"client: no goods":       func() (int64, error) { return s.ClientReturns(fboxtest.ClientReturn{ReturnBarcode: "RB"}) },
		"client: with quarantine": func() (int64, error) {
			return s.ClientReturns(fboxtest.ClientReturn{ReturnBarcode: "RB", Lines: []fboxtest.ReturnLine{{GoodID: "A", Stock: 1, Quarantine: 1}}})
		},
	} {
		_, err := call()
		require.Error(t, err, name)
	}
	require.Zero(t, s.LastOutdoc())
}

// A return is not checked against what was shipped: more than any order
// took comes back all the same.
func TestReturnOfUnshippedOrder(t *testing.T) {
	t.Parallel()
	s, _ := setupStock(t)
	_, err := s.PartReturn("NEVER-SHIPPED", fboxtest.ReturnLine{GoodID: "A", Stock: 5})
	require.NoError(t, err)
	useful, _ := s.Stock("A")
	require.EqualValues(t, 5, useful)
}
