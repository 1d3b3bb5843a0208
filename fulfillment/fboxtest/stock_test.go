package fboxtest_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
)

// cell is one (good_id, qual_type, good_state) of the stock.
type cell struct{ good, qual, state string }

// byMoves sums GET /outdocs/{id}/goods over every outdoc listed.
func byMoves(t *testing.T, c *fulfillment.Client) map[cell]float64 {
	t.Helper()
	hs, err := c.ListOutdocs(t.Context(), fulfillment.OutdocFilter{})
	require.NoError(t, err)
	out := map[cell]float64{}
	for _, h := range hs {
		moves, err := c.OutdocGoods(t.Context(), h.OutdocID)
		require.NoError(t, err)
		for _, m := range moves {
			out[cell{m.GoodID, m.QualType, m.GoodState}] += float64(m.Qnt)
		}
	}
	return nonzero(out)
}

// byStock is POST /goods/stock of every good, by cell.
func byStock(t *testing.T, c *fulfillment.Client) map[cell]float64 {
	t.Helper()
	items, err := c.GoodsStock(t.Context())
	require.NoError(t, err)
	out := map[cell]float64{}
	for _, it := range items {
		out[cell{it.GoodID, it.QualType, fulfillment.GoodStateStock}] += it.Stock
		out[cell{it.GoodID, it.QualType, fulfillment.GoodStateQuarantine}] += it.Quarantine
		out[cell{it.GoodID, it.QualType, fulfillment.GoodStateLongStorage}] += it.LongStorage
	}
	return nonzero(out)
}

// byMovements sums POST /goods/movements of each good and state.
func byMovements(t *testing.T, c *fulfillment.Client, goods ...string) map[cell]float64 {
	t.Helper()
	out := map[cell]float64{}
	for _, g := range goods {
		for _, st := range []string{fulfillment.GoodStateStock, fulfillment.GoodStateQuarantine, fulfillment.GoodStateLongStorage} {
			items, err := c.GoodMovements(t.Context(), fulfillment.MovementFilter{GoodID: g, GoodState: st})
			require.NoError(t, err)
			for _, it := range items {
				out[cell{g, it.QualType, st}] += float64(it.Qnt)
			}
		}
	}
	return nonzero(out)
}

func nonzero(m map[cell]float64) map[cell]float64 {
	for k, v := range m {
		if v == 0 {
			delete(m, k)
		}
	}
	return m
}

const (
	u, d           = fulfillment.QualUseful, fulfillment.QualDefective
	stk, quar, lng = fulfillment.GoodStateStock, fulfillment.GoodStateQuarantine, fulfillment.GoodStateLongStorage
)

// #doc_stocker_desc: the stock is the sum of the moves of all outgoing
// documents. A scripted day at the warehouse — a receipt, a shipment,
// orders shipped and one given back by the delivery service, every return,
// every correction, a move to long storage and back, and a replaced
// document of each kind, locked and not — is read through the client:
// POST /goods/stock, the outdocs' moves and POST /goods/movements agree
// with each other and with the expected stock.
func TestStockIsTheSumOfDocuments(t *testing.T) {
	t.Parallel()
	s, c := setupStock(t)
	ctx := t.Context()
	require.NoError(t, c.CreateSupplyTask(ctx, fulfillment.SupplyTask{IndocID: "T1",
		Items: []fulfillment.TaskItem{{GoodID: "A", PlanQnt: 20}, {GoodID: "B", PlanQnt: 10}}}))
	_, err := s.Receive("T1", fboxtest.Line{GoodID: "A", Useful: 18, Defective: 2}, fboxtest.Line{GoodID: "B", Useful: 10})
	require.NoError(t, err)

	require.NoError(t, c.CreateShipmentTask(ctx, fulfillment.ShipmentTask{IndocID: "S1", Items: []fulfillment.ShipmentItem{{GoodID: "A", PlanQnt: 3}}}))
	_, err = s.ShipGoods("S1", nil)
	require.NoError(t, err) // A 15

	line := func(g string) fulfillment.OrderGood { return fulfillment.OrderGood{GoodID: g, DeclaredValue: 1} }
	require.NoError(t, c.CreateOrders(ctx,
		fulfillment.Order{OrderID: "O1", DeliveryID: 3, Goods: []fulfillment.OrderGood{line("A")}},
		fulfillment.Order{OrderID: "O2", DeliveryID: 3, Goods: []fulfillment.OrderGood{line("A"), line("B")}}))
	s.ProcessOrders()
	ship, err := s.ShipOrders(nil, "O1", "O2")
	require.NoError(t, err) // A 13, B 9
	require.NoError(t, c.LockOutdocs(ctx, true, ship))
	refusal, err := s.RefuseShipment("O2")
	require.NoError(t, err)
	require.NotZero(t, refusal, "a locked orders_shipment: the refusal is a document")
	useful, _ := s.Stock("A")
	require.EqualValues(t, 14, useful, "O2 is excluded from the orders_shipment")
	_, err = s.ShipOrders(nil, "O2")
	require.NoError(t, err) // A 13, B 9

	_, err = s.FullReturn("O1", 1, "Не удалось вручить", fboxtest.ReturnLine{GoodID: "A", Quarantine: 1}) // A q1
	require.NoError(t, err)
	_, err = s.PartReturn("O2", fboxtest.ReturnLine{GoodID: "A", Stock: 1}) // A 14
	require.NoError(t, err)
	client, err := s.ClientReturns(
		fboxtest.ClientReturn{ReturnBarcode: "RB1", ParcelBarcode: "PB1", OrderID: "O2", Lines: []fboxtest.ReturnLine{{GoodID: "B", Defective: true, Stock: 1}}},
		fboxtest.ClientReturn{ReturnBarcode: "RB2", Lines: []fboxtest.ReturnLine{{GoodID: "A", Stock: 2}}}) // B d1, A 16
	require.NoError(t, err)

	type cl = fboxtest.CorrectionLine
	for _, x := range []struct {
		typ   string
		lines []cl
	}{
		{fulfillment.CorrectionManual, []cl{{GoodID: "A", Stock: -2, Quarantine: 2}}},                                     // A 14 q3
		{fulfillment.CorrectionSurplus, []cl{{GoodID: "A", Stock: 1, Quarantine: -1}}},                                    // A 15 q2
		{fulfillment.CorrectionUsefulDefective, []cl{{GoodID: "A", Stock: -1}, {GoodID: "A", Defective: true, Stock: 1}}}, // A 14 d3
		{fulfillment.CorrectionExpiration, []cl{{GoodID: "B", Stock: -1}, {GoodID: "B", Defective: true, Stock: 1}}},      // B 8 d2
		{fulfillment.CorrectionQuarantineReset, []cl{{GoodID: "A", Quarantine: -2}}},                                      // A q0
	} {
		_, err := s.Correction(x.typ, x.lines...)
		require.NoError(t, err, x.typ)
	}
	regrade, err := s.Correction(fulfillment.CorrectionRegrade, cl{GoodID: "A", Stock: -2}, cl{GoodID: "B", Stock: 2}) // A 12, B 10
	require.NoError(t, err)

	_, err = s.ToLongStorage(7, fboxtest.LongBox{BoxID: 1, Lines: []fboxtest.Line{{GoodID: "A", Useful: 4, Defective: 1}}},
		fboxtest.LongBox{BoxID: 2, Lines: []fboxtest.Line{{GoodID: "B", Useful: 3}}}) // A 8 d2 l4 ld1, B 7 l3
	require.NoError(t, err)
	_, err = s.FromLongStorage(2) // B 10 l0
	require.NoError(t, err)

	// A locked document is replaced once the client unlocks it; an
	// unlocked one at once.
	require.NoError(t, c.LockOutdocs(ctx, true, client))
	require.NoError(t, s.ReplaceOutdoc(client, func(body any) error {
		body.(*fulfillment.OrdersReturn).Orders[1].Goods[0].StockQnt = 1
		return nil
	}))
	h, _ := s.Outdoc(client)
	require.True(t, h.UnlockRequest)
	require.NoError(t, c.LockOutdocs(ctx, false, client)) // A 7
	require.NoError(t, s.ReplaceOutdoc(regrade, func(body any) error {
		g := body.(*fulfillment.GoodsCorrection).Goods
		g[0].StockQnt, g[1].StockQnt = -1, 1
		return nil
	})) // A 8, B 9
	missing, err := c.CheckOutdocs(ctx, client, regrade)
	require.NoError(t, err)
	require.ElementsMatch(t, []int64{client, regrade}, missing)

	want := map[cell]float64{
		{"A", u, stk}: 8, {"A", d, stk}: 2, {"A", u, lng}: 4, {"A", d, lng}: 1,
		{"B", u, stk}: 9, {"B", d, stk}: 2,
	}
	require.Equal(t, want, byStock(t, c))
	require.Equal(t, want, byMoves(t, c))
	require.Equal(t, want, byMovements(t, c, "A", "B"))
	for k, n := range want {
		require.EqualValues(t, n, s.StockOf(k.good, k.qual, k.state), k)
	}
}

// The replacement of any of the six keeps the work date, gets a new id
// and created_at, and is refused when it would take more than there is.
func TestReplaceOutdoc(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(time.Date(2026, 3, 14, 20, 0, 0, 0, fulfillment.Moscow).Unix())
	s := setup(t, fboxtest.Options{Now: func() time.Time { return time.Unix(now.Load(), 0) }})
	c, err := fulfillment.NewClient(fulfillment.Config{BaseURL: s.URL(), PartnerID: "partner", Password: "secret"})
	require.NoError(t, err)
	ctx := t.Context()
	require.NoError(t, c.RegisterGoods(ctx, fulfillment.Good{GoodID: "A", GoodName: "A"}))
	s.AddStock("A", 5, 0)
	to, err := s.ToLongStorage(7, fboxtest.LongBox{BoxID: 1, Lines: []fboxtest.Line{{GoodID: "A", Useful: 2}}})
	require.NoError(t, err)

	require.Error(t, s.ReplaceOutdoc(to, func(body any) error {
		body.(*fulfillment.LongStorageMove).Boxes[0].Goods[0].Qnt = 6
		return nil
	}), "more than the stock holds")
	require.Error(t, s.ReplaceOutdoc(to, func(body any) error {
		body.(*fulfillment.LongStorageMove).OutdocType = fulfillment.OutdocFromLongStorage
		return nil
	}), "a replacement is of the same type")
	require.Error(t, s.ReplaceOutdoc(to, func(any) error { return fmt.Errorf("no") }))
	h, _ := s.Outdoc(to)
	require.False(t, h.UnlockRequest, "a refused replacement changes nothing")

	now.Add(int64(24 * time.Hour / time.Second))
	require.NoError(t, s.ReplaceOutdoc(to, func(body any) error {
		body.(*fulfillment.LongStorageMove).Boxes[0].Goods[0].Qnt = 5
		return nil
	}))
	hs, err := c.ListOutdocs(ctx, fulfillment.OutdocFilter{OutdocType: fulfillment.OutdocToLongStorage})
	require.NoError(t, err)
	require.Len(t, hs, 1)
	require.NotEqual(t, to, hs[0].OutdocID)
	require.Equal(t, "2026-03-14", hs[0].OutdocDate.Format(fulfillment.DateLayout))
	require.Equal(t, "2026-03-15T20:00:00", hs[0].CreatedAt.String())
	d := readLong(t, c, hs[0].OutdocID, fulfillment.OutdocToLongStorage)
	require.Equal(t, hs[0].OutdocID, d.Common.OutdocID)
	require.Equal(t, "2026-03-14", d.Common.OutdocDate.Format(fulfillment.DateLayout))
	require.EqualValues(t, 5, s.StockOf("A", u, lng))
	require.Zero(t, s.StockOf("A", u, stk))

	require.Error(t, s.ReplaceOutdoc(12345, func(any) error { return nil }), "no such outdoc")
}

// POST /goods/stock: good_ids is required; an empty list pages through
// every good with page_size and page_token; named goods come whole, paging
// ignored (#paging_desc); reserves come from orders and shipment tasks.
func TestGoodsStockPaging(t *testing.T) {
	t.Parallel()
	s, c := setupStock(t)
	for i := range 5 {
		id := fmt.Sprintf("G%d", i)
		require.NoError(t, c.RegisterGoods(t.Context(), fulfillment.Good{GoodID: id, GoodName: id}))
		s.AddStock(id, int32(i+1), 0)
	}
	status, _, out := post(t, s.URL()+"/goods/stock", "partner", "secret", `{}`)
	require.Equal(t, 400, status)
	require.Equal(t, false, out["success"])

	var ids []string
	token := ""
	pages := 0
	for {
		status, _, out = post(t, s.URL()+"/goods/stock", "partner", "secret", `{"good_ids":[],"page_size":2,"page_token":"`+token+`"}`)
		require.Equal(t, 200, status)
		pages++
		for _, it := range out["items"].([]any) {
			ids = append(ids, it.(map[string]any)["good_id"].(string))
		}
		next, more := out["page_next_token"].(string)
		if !more {
			break
		}
		token = next
	}
	require.Equal(t, 3, pages)
	require.Equal(t, []string{"G0", "G1", "G2", "G3", "G4"}, ids)

	_, _, out = post(t, s.URL()+"/goods/stock", "partner", "secret", `{"good_ids":["G4","G1","A"],"page_size":1}`)
	require.Len(t, out["items"], 3, "named goods are answered whole; A, registered, answers zeros")
	require.NotContains(t, out, "page_next_token")

	require.NoError(t, c.CreateOrders(t.Context(),
		fulfillment.Order{OrderID: "O1", DeliveryID: 3, Goods: []fulfillment.OrderGood{{GoodID: "G0", DeclaredValue: 1}}},
		fulfillment.Order{OrderID: "O2", DeliveryID: 3, Goods: []fulfillment.OrderGood{{GoodID: "G0", DeclaredValue: 1}}}))
	s.ProcessOrders() // G0 has 1: O1 in production, O2 waits
	require.NoError(t, c.CreateShipmentTask(t.Context(), fulfillment.ShipmentTask{IndocID: "S1", Items: []fulfillment.ShipmentItem{{GoodID: "G1", PlanQnt: 2}}}))
	s.StartShipmentPicking("S1")
	require.NoError(t, c.CreateShipmentTask(t.Context(), fulfillment.ShipmentTask{IndocID: "S2", QualType: d, Items: []fulfillment.ShipmentItem{{GoodID: "G2", PlanQnt: 1}}}))
	s.ShipmentReady("S2", nil)
	items, err := c.GoodsStock(t.Context(), "G0", "G1", "G2")
	require.NoError(t, err)
	require.Equal(t, []fulfillment.GoodStock{
		{GoodID: "G0", QualType: u, Stock: 1, OrdersInwork: 1, OrdersWait: 1},
		{GoodID: "G1", QualType: u, Stock: 2, ShipmentPicking: 2},
		{GoodID: "G2", QualType: u, Stock: 3},
		{GoodID: "G2", QualType: d, ShipmentReady: 1},
	}, items)
}

// POST /goods/movements: good_id is required, good_state defaults to
// stock, dates select outdoc_date inclusively, indoc_id only for the types
// good_moves_resp lists.
func TestGoodMovements(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(time.Date(2026, 3, 14, 10, 0, 0, 0, fulfillment.Moscow).Unix())
	s := setup(t, fboxtest.Options{Now: func() time.Time { return time.Unix(now.Load(), 0) }})
	c, err := fulfillment.NewClient(fulfillment.Config{BaseURL: s.URL(), PartnerID: "partner", Password: "secret"})
	require.NoError(t, err)
	ctx := t.Context()
	require.NoError(t, c.CreateSupplyTask(ctx, fulfillment.SupplyTask{IndocID: "T1",
		Goods: []fulfillment.Good{{GoodID: "A", GoodName: "A"}}, Items: []fulfillment.TaskItem{{GoodID: "A", PlanQnt: 5}}}))
	supply, err := s.Receive("T1", fboxtest.Line{GoodID: "A", Useful: 4, Defective: 1})
	require.NoError(t, err)
	day := func(n int) { now.Add(int64(n) * int64(24*time.Hour/time.Second)) }
	day(1)
	manual, err := s.Correction(fulfillment.CorrectionManual, fboxtest.CorrectionLine{GoodID: "A", Stock: -1, Quarantine: 1})
	require.NoError(t, err)
	day(1)
	ret, err := s.PartReturn("O1", fboxtest.ReturnLine{GoodID: "A", Stock: 2})
	require.NoError(t, err)

	status, _, out := post(t, s.URL()+"/goods/movements", "partner", "secret", `{"good_state":"stock"}`)
	require.Equal(t, 400, status)
	require.Equal(t, false, out["success"])
	status, _, _ = post(t, s.URL()+"/goods/movements", "partner", "secret", `{"good_id":"A","good_state":"lost"}`)
	require.Equal(t, 400, status)

	all, err := c.GoodMovements(ctx, fulfillment.MovementFilter{GoodID: "A"})
	require.NoError(t, err)
	type mv struct {
		id        int64
		typ, qual string
		qnt       int32
		indoc     string
		day       string
	}
	var got []mv
	for _, m := range all {
		got = append(got, mv{m.OutdocID, m.OutdocType, m.QualType, m.Qnt, m.IndocID, m.OutdocDate.Format(fulfillment.DateLayout)})
	}
	require.Equal(t, []mv{
		{supply, fulfillment.OutdocSupply, u, 4, "T1", "2026-03-14"},
		{supply, fulfillment.OutdocSupply, d, 1, "T1", "2026-03-14"},
		{manual, fulfillment.OutdocCorrection, u, -1, "", "2026-03-15"},
		{ret, fulfillment.OutdocOrdersPartReturn, u, 2, "", "2026-03-16"},
	}, got)
	require.Equal(t, "Частичный возврат заказов", all[3].OutdocTypeDescrip)

	from, err := fulfillment.ParseDate("2026-03-15")
	require.NoError(t, err)
	to := from
	mid, err := c.GoodMovements(ctx, fulfillment.MovementFilter{GoodID: "A", FromDate: &from, ToDate: &to})
	require.NoError(t, err)
	require.Len(t, mid, 1)
	require.Equal(t, manual, mid[0].OutdocID)

	q, err := c.GoodMovements(ctx, fulfillment.MovementFilter{GoodID: "A", GoodState: quar})
	require.NoError(t, err)
	require.Len(t, q, 1)
	require.EqualValues(t, 1, q[0].Qnt)
}

// #doc_option_desc: the stock-changing documents are not optional; POST
// /settings cannot turn them off.
func TestStockDocumentsAlwaysOn(t *testing.T) {
	t.Parallel()
	s, _ := setupStock(t)
	for _, typ := range fulfillment.StockOutdocTypes {
		require.True(t, s.OutdocTypeOn(typ), typ)
		_, _, out := post(t, s.URL()+"/settings", "partner", "secret", `{"outdoc_types":{"`+typ+`":false}}`)
		require.Equal(t, false, out["success"], typ)
		require.Error(t, s.SetOutdocType(typ, false), typ)
	}
}
