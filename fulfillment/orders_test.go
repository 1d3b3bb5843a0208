package fulfillment_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
)

// orderSetup is a bundle whose catalogue holds A-1 (kettle) and B-2 (mug).
func orderSetup(t *testing.T, opts ...fboxtest.Options) *bundle {
	t.Helper()
	b := setup(t, opts...)
	require.NoError(t, b.client.RegisterGoods(b.ctx, kettle(), fulfillment.Good{GoodID: "B-2", GoodName: "Кружка"}))
	return b
}

// order is an order for delivery 3 (СДЭК) with one line per unit.
func order(id string, units ...string) fulfillment.Order {
	o := fulfillment.Order{OrderID: id, DeliveryID: 3,
		Client:   &fulfillment.OrderClient{Name: "Иванов Иван", Phone: "+79001234567", Email: "ivan@example.com"},
		Address:  &fulfillment.OrderAddress{Zip: "101000", City: "Москва", Street: "Мясницкая", House: "1, кв. 2"},
		Delivery: &fulfillment.OrderDelivery{PickpointID: "MSK123"}}
	for _, g := range units {
		o.Goods = append(o.Goods, fulfillment.OrderGood{GoodID: g, DeclaredValue: 990.5, COD: 990.5})
	}
	return o
}

func outdocsOf(t *testing.T, b *bundle, typ string) []fulfillment.OutdocHeader {
	t.Helper()
	hs, err := b.client.ListOutdocs(b.ctx, fulfillment.OutdocFilter{OutdocType: typ})
	require.NoError(t, err)
	return hs
}

func TestOrderCreateAndReadBack(t *testing.T) {
	t.Parallel()
	b := orderSetup(t)
	require.NoError(t, b.client.CreateOrders(b.ctx, order("SO-1", "A-1", "A-1", "B-2")))

	info, err := b.client.OrderInfo(b.ctx, "SO-1")
	require.NoError(t, err)
	require.Equal(t, "SO-1", info.OrderID)
	require.EqualValues(t, 3, info.DeliveryID)
	require.Equal(t, "СДЭК", info.DeliveryName)
	require.False(t, info.Canceled)
	require.NotEmpty(t, info.IndocID, "POST /orders creates an orders_shipment_task")
	require.Len(t, info.Goods, 3, "one entry per unit")
	require.Equal(t, "Кружка", info.Goods[2].GoodName)
	require.InDelta(t, 990.5, info.Goods[0].COD, 0.001)

	got, stage, ok := b.srv.Order("SO-1")
	require.True(t, ok)
	require.Equal(t, fboxtest.StagePool, stage)
	require.Equal(t, "MSK123", got.Delivery.PickpointID)
	require.Equal(t, "Иванов Иван", got.Client.Name)

	sent, err := b.client.OrderJSON(b.ctx, "SO-1")
	require.NoError(t, err)
	require.Equal(t, order("SO-1", "A-1", "A-1", "B-2"), *sent)

	_, err = b.client.OrderInfo(b.ctx, "SO-404")
	require.ErrorIs(t, err, fulfillment.ErrNotFound)
}

func TestOrderRefusals(t *testing.T) {
	t.Parallel()
	b := orderSetup(t)
	cases := map[string]struct {
		order fulfillment.Order
		want  string
	}{
		"unregistered good": {order("SO-R1", "A-1", "NOPE"), "товар NOPE не зарегистрирован"},
		"unknown delivery":  {func() fulfillment.Order { o := order("SO-R2", "A-1"); o.DeliveryID = 777; return o }(), "delivery_id 777"},
		"unknown department": {func() fulfillment.Order {
			o := order("SO-R3", "A-1")
			o.Control = &fulfillment.OrderControl{OwnerdepID: 5}
			return o
		}(), "ownerdep_id 5"},
		"the second is wrong": {order("SO-R4", "A-1"), ""},
	}
	for name, c := range cases {
		if c.want == "" {
			continue
		}
		err := b.client.CreateOrders(b.ctx, c.order)
		var fe *fulfillment.Error
		require.ErrorAs(t, err, &fe, name)
		require.Equal(t, fulfillment.CodeUnclassified, fe.Code, name)
		require.Contains(t, fe.Message, c.want, name)
	}
	// #error_desc: a refused request is rolled back whole.
	err := b.client.CreateOrders(b.ctx, cases["the second is wrong"].order, order("SO-R5", "NOPE"))
	require.Error(t, err)
	_, _, ok := b.srv.Order("SO-R4")
	require.False(t, ok, "nothing of a refused request is kept")

	// Checked before sending: the schema requires these.
	require.ErrorIs(t, b.client.CreateOrders(b.ctx, fulfillment.Order{OrderID: "SO-R6", Goods: order("", "A-1").Goods}), fulfillment.ErrOrder)
	require.ErrorIs(t, b.client.CreateOrders(b.ctx, fulfillment.Order{OrderID: "SO-R7", DeliveryID: 3}), fulfillment.ErrOrder)
	require.Zero(t, b.srv.OrderCreateCalls("SO-R6"))
}

func TestOrderDuplicateAndResendAfterCancel(t *testing.T) {
	t.Parallel()
	b := orderSetup(t)
	require.NoError(t, b.client.CreateOrders(b.ctx, order("SO-D", "A-1")))
	err := b.client.CreateOrders(b.ctx, order("SO-D", "B-2"))
	require.ErrorIs(t, err, fulfillment.ErrDuplicate)

	res, err := b.client.CancelOrders(b.ctx, "SO-D")
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.Equal(t, fulfillment.OrderCanceled, res[0].State)

	// #order_cancel_desc: a cancelled order may be created again.
	require.NoError(t, b.client.CreateOrders(b.ctx, order("SO-D", "B-2")))
	got, stage, _ := b.srv.Order("SO-D")
	require.Equal(t, fboxtest.StagePool, stage)
	require.Equal(t, "B-2", got.Goods[0].GoodID)
	require.Equal(t, 3, b.srv.OrderCreateCalls("SO-D"))
}

// A lost answer: the order is applied, the client retries, the warehouse
// says it has it; one order exists.
func TestOrderLostAnswer(t *testing.T) {
	t.Parallel()
	b := orderSetup(t)
	b.srv.LoseOrderAnswerNext()
	err := b.client.CreateOrders(b.ctx, order("SO-L", "A-1"))
	require.ErrorIs(t, err, fulfillment.ErrDuplicate, "the retry finds the order applied")
	require.Equal(t, 2, b.srv.OrderCreateCalls("SO-L"))
	info, err := b.client.OrderInfo(b.ctx, "SO-L")
	require.NoError(t, err)
	require.Len(t, info.Goods, 1)
	require.Equal(t, []string{"SO-L"}, b.srv.OrderIDs())
}

func TestSettingsAndOptionalOutdocs(t *testing.T) {
	t.Parallel()
	b := orderSetup(t, fboxtest.Options{Ownerdeps: []fulfillment.Ownerdep{{OwnerdepID: 7, OwnerdepName: "Магазин 2"}},
		Deliveries: []fulfillment.Delivery{{DeliveryID: 3, DeliveryName: "СДЭК"}, {OwnerdepID: 7, OwnerdepName: "Магазин 2", DeliveryID: 1, DeliveryName: "Почта России"}}})
	st, err := b.client.Settings(b.ctx)
	require.NoError(t, err)
	require.Len(t, st.Deliveries, 2)
	require.Equal(t, []fulfillment.Ownerdep{{OwnerdepID: 7, OwnerdepName: "Магазин 2"}}, st.Ownerdeps)
	_, ok := st.Delivery(1, 7)
	require.True(t, ok)
	require.EqualValues(t, 1, st.RateLimits.ConcurrentQnt)
	for _, typ := range fulfillment.OptionalOutdocTypes {
		on, listed := st.OutdocTypes[typ]
		require.True(t, listed, typ)
		require.False(t, on, "%s is off until turned on", typ)
	}

	// Optional documents that are off are not issued; the orders move all the same.
	b.srv.AddStock("A-1", 5, 0)
	require.NoError(t, b.client.CreateOrders(b.ctx, order("SO-S1", "A-1")))
	require.Empty(t, b.srv.ProcessOrders())
	_, stage, _ := b.srv.Order("SO-S1")
	require.Equal(t, fboxtest.StageProduction, stage)

	require.NoError(t, b.client.EnableOutdocTypes(b.ctx, fulfillment.OutdocOrdersProductionStart, fulfillment.OutdocOrdersDeficit,
		fulfillment.OutdocOrdersReceiving))
	require.Error(t, b.client.EnableOutdocTypes(b.ctx, fulfillment.OutdocOrdersShipment), "not optional")
	st, err = b.client.Settings(b.ctx)
	require.NoError(t, err)
	require.True(t, st.OutdocTypes[fulfillment.OutdocOrdersDeficit])
	require.False(t, st.OutdocTypes[fulfillment.OutdocOrdersPallet])

	// Ownerdep 7 reaches delivery 1, shown in orders_receiving.
	o := order("SO-S2", "A-1")
	o.DeliveryID, o.Control = 1, &fulfillment.OrderControl{OwnerdepID: 7}
	require.NoError(t, b.client.CreateOrders(b.ctx, o))
	recv := outdocsOf(t, b, fulfillment.OutdocOrdersReceiving)
	require.Len(t, recv, 1)
	require.NotEmpty(t, recv[0].IndocID, "orders_receiving names the task (fbox.md §5)")
	require.Len(t, b.srv.ProcessOrders(), 1, "one orders_production_start")
}

// #order_obr_desc 2: deficit orders stay in the pool and pass once stock
// arrives; a receipt adds to the stock.
func TestOrderDeficitThenStock(t *testing.T) {
	t.Parallel()
	b := orderSetup(t, fboxtest.Options{OutdocTypes: []string{fulfillment.OutdocOrdersDeficit, fulfillment.OutdocOrdersProductionStart}})
	b.srv.AddStock("A-1", 1, 0)
	require.NoError(t, b.client.CreateOrders(b.ctx, order("SO-F1", "A-1", "A-1", "B-2"), order("SO-F2", "B-2")))

	ids := b.srv.ProcessOrders()
	require.Len(t, ids, 1)
	raw, err := b.client.GetOutdoc(b.ctx, ids[0])
	require.NoError(t, err)
	def, err := fulfillment.ParseOrdersDeficit(raw)
	require.NoError(t, err)
	require.Equal(t, ids[0], def.Common.OutdocID)
	require.Len(t, def.Orders, 2)
	require.Equal(t, "SO-F1", def.Orders[0].OrderID)
	missing := map[string]int32{}
	for _, g := range def.Orders[0].Goods {
		missing[g.GoodID] = g.Qnt
		require.NotEmpty(t, g.ErrorDescrip)
	}
	require.Equal(t, map[string]int32{"A-1": 1, "B-2": 1}, missing)
	// The pool runs again with nothing new: no second report.
	require.Empty(t, b.srv.ProcessOrders())

	require.NoError(t, b.client.CreateSupplyTask(b.ctx, task("MS-F")))
	_, err = b.srv.Receive("MS-F", fboxtest.Line{GoodID: "A-1", Useful: 2, Defective: 1}, fboxtest.Line{GoodID: "B-2", Useful: 2})
	require.NoError(t, err)
	useful, defective := b.srv.Stock("A-1")
	require.Equal(t, [2]int32{3, 1}, [2]int32{useful, defective})

	ids = b.srv.ProcessOrders()
	require.Len(t, ids, 1)
	raw, err = b.client.GetOutdoc(b.ctx, ids[0])
	require.NoError(t, err)
	ps, err := fulfillment.ParseOrdersProductionStart(raw)
	require.NoError(t, err)
	require.Equal(t, []string{"SO-F1", "SO-F2"}, ps.OrderIDs)
	require.EqualValues(t, 1, b.srv.Available("A-1"), "production holds the units")
	require.Zero(t, b.srv.Available("B-2"))
	_, err = fulfillment.ParseOrdersShipment(raw)
	require.ErrorContains(t, err, "is not orders_shipment")
}

// #order_cancel_desc at every stage.
func TestOrderCancelStages(t *testing.T) {
	t.Parallel()
	b := orderSetup(t)
	b.srv.AddStock("A-1", 10, 0)
	require.NoError(t, b.client.CreateOrders(b.ctx, order("SO-C1", "A-1"), order("SO-C2", "A-1"), order("SO-C3", "A-1"), order("SO-C4", "A-1")))
	b.srv.ProcessOrders()
	require.NoError(t, b.srv.StartPicking("SO-C2", "SO-C3"))
	ship, err := b.srv.ShipOrders(nil, "SO-C3")
	require.NoError(t, err)

	res, err := b.client.CancelOrders(b.ctx, "SO-C1", "SO-C2", "SO-C3", "SO-404")
	require.NoError(t, err)
	states := map[string]fulfillment.OrderCancel{}
	for _, r := range res {
		states[r.OrderID] = r
	}
	// 1. Not picking yet: at once, with the orders_cancel.
	require.Equal(t, fulfillment.OrderCanceled, states["SO-C1"].State)
	raw, err := b.client.GetOutdoc(b.ctx, states["SO-C1"].CancelOutdocID)
	require.NoError(t, err)
	oc, err := fulfillment.ParseOrdersCancel(raw)
	require.NoError(t, err)
	require.Equal(t, "SO-C1", oc.Orders[0].OrderID)
	require.EqualValues(t, fboxtest.ReasonCustomer, oc.Orders[0].CancelReason)
	info, err := b.client.OrderInfo(b.ctx, "SO-C1")
	require.NoError(t, err)
	require.True(t, info.Canceled)
	require.True(t, info.Has(fulfillment.OutdocOrdersCancel))
	// 2. Picking: requested, cancelled at the pallet.
	require.Equal(t, fulfillment.OrderCancellationRequested, states["SO-C2"].State)
	require.Zero(t, states["SO-C2"].CancelOutdocID)
	// 4. Shipped: requested from the delivery service, no orders_cancel.
	require.Equal(t, fulfillment.OrderCancellationRequested, states["SO-C3"].State)
	require.Equal(t, fulfillment.OrderNotFound, states["SO-404"].State)

	before := len(outdocsOf(t, b, fulfillment.OutdocOrdersCancel))
	id, err := b.srv.ShipOrders(nil, "SO-C2", "SO-C4")
	require.NoError(t, err)
	cancels := outdocsOf(t, b, fulfillment.OutdocOrdersCancel)
	require.Len(t, cancels, before+1, "SO-C2 cancelled at the pallet")
	raw, err = b.client.GetOutdoc(b.ctx, id)
	require.NoError(t, err)
	sh, err := fulfillment.ParseOrdersShipment(raw)
	require.NoError(t, err)
	require.Len(t, sh.Orders, 1)
	require.Equal(t, "SO-C4", sh.Orders[0].OrderID)
	_, stage, _ := b.srv.Order("SO-C2")
	require.Equal(t, fboxtest.StageCanceled, stage)
	_, stage, _ = b.srv.Order("SO-C3")
	require.Equal(t, fboxtest.StageShipped, stage)
	require.NotZero(t, ship)

	// Asked again (a lost answer): the same document.
	res, err = b.client.CancelOrders(b.ctx, "SO-C1")
	require.NoError(t, err)
	require.Equal(t, states["SO-C1"].CancelOutdocID, res[0].CancelOutdocID)
}

// One orders_shipment for many orders; a unit short is a unit absent.
func TestShipOrdersShort(t *testing.T) {
	t.Parallel()
	b := orderSetup(t)
	b.srv.AddStock("A-1", 10, 0)
	b.srv.AddStock("B-2", 10, 0)
	require.NoError(t, b.client.CreateOrders(b.ctx, order("SO-S1", "A-1", "A-1", "B-2"), order("SO-S2", "B-2")))
	b.srv.ProcessOrders()
	id, err := b.srv.ShipOrders(map[string]map[string]int32{"SO-S1": {"A-1": 1}}, "SO-S1", "SO-S2")
	require.NoError(t, err)

	raw, err := b.client.GetOutdoc(b.ctx, id)
	require.NoError(t, err)
	sh, err := fulfillment.ParseOrdersShipment(raw)
	require.NoError(t, err)
	require.EqualValues(t, 3, sh.DeliveryID)
	require.Equal(t, "СДЭК", sh.DeliveryName)
	require.Len(t, sh.Orders, 2)
	s1 := sh.Orders[0]
	require.Equal(t, map[string]int32{"A-1": 1, "B-2": 1}, s1.Shipped())
	require.NotEmpty(t, s1.Barcode)
	require.Equal(t, s1.DispatchNumber, s1.Track())
	require.InDelta(t, 2*990.5, s1.COD, 0.001)
	require.Equal(t, "", sh.Common.IndocID, "orders_shipment has no indoc_id (fbox.md §5)")

	useful, _ := b.srv.Stock("A-1")
	require.EqualValues(t, 9, useful, "one unit of A-1 left the warehouse")
	useful, _ = b.srv.Stock("B-2")
	require.EqualValues(t, 8, useful)

	_, err = b.srv.ShipOrders(map[string]map[string]int32{"SO-S1": {"A-1": 3}}, "SO-S1")
	require.Error(t, err, "already shipped")
}

// #order_obr_desc 6: refused orders leave an unlocked shipment, or come
// back in an orders_shipment_refusal once it is locked.
func TestRefuseShipment(t *testing.T) {
	t.Parallel()
	b := orderSetup(t)
	b.srv.AddStock("A-1", 10, 0)
	require.NoError(t, b.client.CreateOrders(b.ctx, order("SO-X1", "A-1"), order("SO-X2", "A-1"), order("SO-X3", "A-1")))
	b.srv.ProcessOrders()
	id, err := b.srv.ShipOrders(nil, "SO-X1", "SO-X2", "SO-X3")
	require.NoError(t, err)

	n, err := b.srv.RefuseShipment("SO-X1")
	require.NoError(t, err)
	require.Zero(t, n, "unlocked: the order is only taken out")
	raw, err := b.client.GetOutdoc(b.ctx, id)
	require.NoError(t, err)
	sh, err := fulfillment.ParseOrdersShipment(raw)
	require.NoError(t, err)
	require.Len(t, sh.Orders, 2)
	_, stage, _ := b.srv.Order("SO-X1")
	require.Equal(t, fboxtest.StagePicking, stage)

	require.NoError(t, b.client.LockOutdocs(b.ctx, true, id))
	n, err = b.srv.RefuseShipment("SO-X2")
	require.NoError(t, err)
	require.NotZero(t, n)
	raw, err = b.client.GetOutdoc(b.ctx, n)
	require.NoError(t, err)
	rf, err := fulfillment.ParseOrdersShipmentRefusal(raw)
	require.NoError(t, err)
	require.Equal(t, id, rf.OrdersShipmentOutdocID)
	require.Equal(t, "SO-X2", rf.Orders[0].OrderID)
	require.NotEmpty(t, rf.Orders[0].Barcode)
	useful, _ := b.srv.Stock("A-1")
	require.EqualValues(t, 9, useful, "two units came back")
}

// #order_obr_desc 3.1: the delivery service refuses; the order is annulled
// with the reason and may be sent again after the fix.
func TestDeliveryRefuses(t *testing.T) {
	t.Parallel()
	b := orderSetup(t)
	require.NoError(t, b.client.CreateOrders(b.ctx, order("SO-V", "A-1")))
	require.Zero(t, b.srv.DeliveryRefuses("SO-V", "pool"), "pre-registration comes with production (#order_obr_desc 3)")
	b.srv.AddStock("A-1", 1, 0)
	b.srv.ProcessOrders()
	id := b.srv.DeliveryRefuses("SO-V", "Не указан телефон получателя")
	require.NotZero(t, id)
	raw, err := b.client.GetOutdoc(b.ctx, id)
	require.NoError(t, err)
	oc, err := fulfillment.ParseOrdersCancel(raw)
	require.NoError(t, err)
	require.Equal(t, "Не указан телефон получателя", oc.Orders[0].CancelReasonDescrip)
	require.EqualValues(t, fboxtest.ReasonDelivery, oc.Orders[0].CancelReason)
	require.Zero(t, b.srv.DeliveryRefuses("SO-V", "again"), "already cancelled")
	require.EqualValues(t, 1, b.srv.Available("A-1"), "the unit it held is free again")
	require.NoError(t, b.client.CreateOrders(b.ctx, order("SO-V", "A-1")))
}

// With orders_pallet on, the pallet document comes before the shipment and
// a refusal names it.
func TestRefuseShipmentWithPallet(t *testing.T) {
	t.Parallel()
	b := orderSetup(t, fboxtest.Options{OutdocTypes: []string{fulfillment.OutdocOrdersPallet}})
	b.srv.AddStock("A-1", 10, 0)
	require.NoError(t, b.client.CreateOrders(b.ctx, order("SO-P1", "A-1"), order("SO-P2", "A-1")))
	b.srv.ProcessOrders()
	id, err := b.srv.ShipOrders(nil, "SO-P1", "SO-P2")
	require.NoError(t, err)
	pallets := outdocsOf(t, b, fulfillment.OutdocOrdersPallet)
	require.Len(t, pallets, 1)
	require.Less(t, pallets[0].OutdocID, id)

	// Unlocked: the order leaves both documents.
	n, err := b.srv.RefuseShipment("SO-P1")
	require.NoError(t, err)
	require.Zero(t, n)
	raw, err := b.client.GetOutdoc(b.ctx, pallets[0].OutdocID)
	require.NoError(t, err)
	require.NotContains(t, string(raw), "SO-P1")
	require.Contains(t, string(raw), "SO-P2")

	require.NoError(t, b.client.LockOutdocs(b.ctx, true, id, pallets[0].OutdocID))
	n, err = b.srv.RefuseShipment("SO-P2")
	require.NoError(t, err)
	raw, err = b.client.GetOutdoc(b.ctx, n)
	require.NoError(t, err)
	rf, err := fulfillment.ParseOrdersShipmentRefusal(raw)
	require.NoError(t, err)
	require.Equal(t, pallets[0].OutdocID, rf.Orders[0].OrdersPalletOutdocID)

	// Given back, the order is picked again and ships in a new document.
	again, err := b.srv.ShipOrders(nil, "SO-P1", "SO-P2")
	require.NoError(t, err)
	require.Greater(t, again, n)
	useful, _ := b.srv.Stock("A-1")
	require.EqualValues(t, 8, useful)
}
