package warehousetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
)

// orderTests check the Orders port. Those without the order driver run
// against a real account too: their orders name goods that never had
// stock there (so they wait in the pool, #order_obr_desc 2) and are
// cancelled when the subtest ends.
var orderTests = []subtest{
	{name: "OrdersSettings", run: ordersSettings},
	{name: "OrdersCreateReadBackCancel", run: ordersCreateReadBackCancel},
	{name: "OrdersRefused", run: ordersRefused},
	{name: "OrdersUnknown", run: ordersUnknown},
	{name: "OrdersDeficitThenProduction", run: ordersDeficitThenProduction},
	{name: "OrdersShipShortThenRefuse", run: ordersShipShortThenRefuse},
	{name: "OrdersCancelAtPallet", run: ordersCancelAtPallet},
	{name: "OrdersDeliveryRefuses", run: ordersDeliveryRefuses},
}

// OrderDriver plays the warehouse's side of the order process
// (#order_obr_desc); *fboxtest.Server is one. A backend without one skips
// the subtests that need it.
type OrderDriver interface {
	AddStock(goodID string, useful, defective int32)
	ProcessOrders() []int64
	StartPicking(orderIDs ...string) error
	ShipOrders(short map[string]map[string]int32, orderIDs ...string) (int64, error)
	RefuseShipment(orderIDs ...string) (int64, error)
	DeliveryRefuses(orderID, reason string) int64
}

// ordGood is the conformance order good: registered by every subtest,
// never received on a real account.
const ordGood = "SKLADFLOW-CT-ORD-1"

func (e *env) orderDriver(t *testing.T) OrderDriver {
	t.Helper()
	d, ok := e.d.(OrderDriver)
	if !ok {
		t.Skip("the backend cannot be made to process orders (no order driver)")
	}
	return d
}

func (e *env) outdoc(t *testing.T, id int64) []byte {
	t.Helper()
	b, err := e.w.GetOutdoc(e.ctx, id)
	require.NoError(t, err)
	return b
}

// ordered registers the good, builds an order for the account's first
// delivery service with units lines, sends it and cancels it at the end.
func (e *env) ordered(t *testing.T, units int) fulfillment.Order {
	t.Helper()
	o := e.order(t, units)
	require.NoError(t, e.w.CreateOrders(e.ctx, o), "create %s", o.OrderID)
	t.Cleanup(func() { _, _ = e.w.CancelOrders(context.WithoutCancel(e.ctx), o.OrderID) })
	return o
}

func (e *env) order(t *testing.T, units int) fulfillment.Order {
	t.Helper()
	require.NoError(t, e.catalogue(t).RegisterGoods(e.ctx, fulfillment.Good{GoodID: ordGood, GoodName: "Conformance order good"}))
	st, err := e.w.Settings(e.ctx)
	require.NoError(t, err)
	require.NotEmpty(t, st.Deliveries, "GET /settings lists a delivery service")
	o := fulfillment.Order{OrderID: "ORD" + e.id(), DeliveryID: st.Deliveries[0].DeliveryID,
		Client:  &fulfillment.OrderClient{Name: "Conformance Test", Phone: "+70000000000"},
		Address: &fulfillment.OrderAddress{Zip: "101000", City: "Москва", Street: "Тестовая", House: "1"}}
	for range units {
		o.Goods = append(o.Goods, fulfillment.OrderGood{GoodID: ordGood, DeclaredValue: 100, COD: 0})
	}
	return o
}

// settings_get_resp: outdoc_types lists every optional type; deliveries
// name id and name.
func ordersSettings(t *testing.T, e *env) {
	st, err := e.w.Settings(e.ctx)
	require.NoError(t, err)
	for _, typ := range fulfillment.OptionalOutdocTypes {
		_, listed := st.OutdocTypes[typ]
		require.True(t, listed, "outdoc_types.%s is required", typ)
	}
	for _, d := range st.Deliveries {
		require.NotZero(t, d.DeliveryID)
		require.NotEmpty(t, d.DeliveryName)
	}
}

// #order_struct_desc, order_info_resp, #order_cancel_desc: an order reads
// back with one goods entry per unit; its order_id is taken while it
// lives; cancelled before picking it is cancelled at once with an
// orders_cancel, and may then be sent again.
func ordersCreateReadBackCancel(t *testing.T, e *env) {
	o := e.ordered(t, 2)
	info, err := e.w.OrderInfo(e.ctx, o.OrderID)
	require.NoError(t, err)
	require.Equal(t, o.OrderID, info.OrderID)
	require.Equal(t, o.DeliveryID, info.DeliveryID)
	require.NotEmpty(t, info.DeliveryName)
	require.False(t, info.Canceled)
	require.Len(t, info.Goods, 2)
	require.ErrorIs(t, e.w.CreateOrders(e.ctx, o), fulfillment.ErrDuplicate)

	res, err := e.w.CancelOrders(e.ctx, o.OrderID)
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.Equal(t, fulfillment.OrderCanceled, res[0].State)
	require.NotZero(t, res[0].CancelOutdocID)
	oc, err := fulfillment.ParseOrdersCancel(e.outdoc(t, res[0].CancelOutdocID))
	require.NoError(t, err)
	require.Equal(t, o.OrderID, oc.Orders[0].OrderID)
	info, err = e.w.OrderInfo(e.ctx, o.OrderID)
	require.NoError(t, err)
	require.True(t, info.Canceled)

	require.NoError(t, e.w.CreateOrders(e.ctx, o), "a cancelled order may be created again")
}

// «Регистрация товаров», #delivery_desc: an unregistered good or a
// delivery service the account lacks refuses the request.
func ordersRefused(t *testing.T, e *env) {
	o := e.order(t, 1)
	o.Goods[0].GoodID = "SKLADFLOW-CT-NEVER-" + e.ids.run
	refusal(t, e.w.CreateOrders(e.ctx, o))
	o = e.order(t, 1)
	o.DeliveryID = 999999
	refusal(t, e.w.CreateOrders(e.ctx, o))
	_, err := e.w.OrderInfo(e.ctx, o.OrderID)
	require.ErrorIs(t, err, fulfillment.ErrNotFound, "a refused order does not exist")
}

// order_cancel_resp: an unknown order is order_not_found; info answers
// not found.
func ordersUnknown(t *testing.T, e *env) {
	id := "ORD-NEVER-" + e.ids.run
	res, err := e.w.CancelOrders(e.ctx, id)
	require.NoError(t, err)
	require.Equal(t, []fulfillment.OrderCancel{{OrderID: id, State: fulfillment.OrderNotFound}}, res)
	_, err = e.w.OrderInfo(e.ctx, id)
	require.ErrorIs(t, err, fulfillment.ErrNotFound)
}

// #order_obr_desc 2: an order the stock does not cover gets an
// orders_deficit with the missing units and passes to production when the
// stock arrives.
func ordersDeficitThenProduction(t *testing.T, e *env) {
	d := e.orderDriver(t)
	require.NoError(t, e.w.EnableOutdocTypes(e.ctx, fulfillment.OutdocOrdersDeficit, fulfillment.OutdocOrdersProductionStart))
	o := e.ordered(t, 3)
	d.AddStock(ordGood, 1, 0)
	ids := d.ProcessOrders()
	require.Len(t, ids, 1)
	def, err := fulfillment.ParseOrdersDeficit(e.outdoc(t, ids[0]))
	require.NoError(t, err)
	require.Equal(t, o.OrderID, def.Orders[0].OrderID)
	require.Equal(t, ordGood, def.Orders[0].Goods[0].GoodID)
	require.EqualValues(t, 2, def.Orders[0].Goods[0].Qnt)

	d.AddStock(ordGood, 2, 0)
	ids = d.ProcessOrders()
	require.Len(t, ids, 1)
	ps, err := fulfillment.ParseOrdersProductionStart(e.outdoc(t, ids[0]))
	require.NoError(t, err)
	require.Equal(t, []string{o.OrderID}, ps.OrderIDs)
	info, err := e.w.OrderInfo(e.ctx, o.OrderID)
	require.NoError(t, err)
	require.True(t, info.Has(fulfillment.OutdocOrdersDeficit) && info.Has(fulfillment.OutdocOrdersProductionStart))
}

// #order_obr_desc 5 and 6, order_out: one orders_shipment carries the
// orders with a unit short absent from goods; a refusal after the client
// locked it comes as orders_shipment_refusal.
func ordersShipShortThenRefuse(t *testing.T, e *env) {
	d := e.orderDriver(t)
	a, b := e.ordered(t, 2), e.ordered(t, 1)
	d.AddStock(ordGood, 3, 0)
	d.ProcessOrders()
	id, err := d.ShipOrders(map[string]map[string]int32{a.OrderID: {ordGood: 1}}, a.OrderID, b.OrderID)
	require.NoError(t, err)
	sh, err := fulfillment.ParseOrdersShipment(e.outdoc(t, id))
	require.NoError(t, err)
	require.Equal(t, a.DeliveryID, sh.DeliveryID)
	require.Len(t, sh.Orders, 2)
	require.Equal(t, map[string]int32{ordGood: 1}, sh.Orders[0].Shipped())
	require.NotEmpty(t, sh.Orders[0].Track())

	require.NoError(t, e.w.LockOutdocs(e.ctx, true, id))
	rid, err := d.RefuseShipment(b.OrderID)
	require.NoError(t, err)
	rf, err := fulfillment.ParseOrdersShipmentRefusal(e.outdoc(t, rid))
	require.NoError(t, err)
	require.Equal(t, id, rf.OrdersShipmentOutdocID)
	require.Equal(t, b.OrderID, rf.Orders[0].OrderID)
}

// #order_cancel_desc 2 and 4: a cancellation while picking is requested
// and done at the pallet with an orders_cancel; after shipment it is
// requested from the delivery service and no orders_cancel comes.
func ordersCancelAtPallet(t *testing.T, e *env) {
	d := e.orderDriver(t)
	a, b := e.ordered(t, 1), e.ordered(t, 1)
	d.AddStock(ordGood, 2, 0)
	d.ProcessOrders()
	require.NoError(t, d.StartPicking(a.OrderID, b.OrderID))
	ship, err := d.ShipOrders(nil, b.OrderID)
	require.NoError(t, err)
	res, err := e.w.CancelOrders(e.ctx, a.OrderID, b.OrderID)
	require.NoError(t, err)
	require.Equal(t, fulfillment.OrderCancellationRequested, res[0].State)
	require.Equal(t, fulfillment.OrderCancellationRequested, res[1].State)

	none, err := d.ShipOrders(nil, a.OrderID)
	require.NoError(t, err)
	require.Zero(t, none, "nothing is left to ship")
	info, err := e.w.OrderInfo(e.ctx, a.OrderID)
	require.NoError(t, err)
	require.True(t, info.Canceled)
	require.True(t, info.Has(fulfillment.OutdocOrdersCancel))
	info, err = e.w.OrderInfo(e.ctx, b.OrderID)
	require.NoError(t, err)
	require.False(t, info.Has(fulfillment.OutdocOrdersCancel), "a shipped order gets no orders_cancel")
	require.NotZero(t, ship)
}

// #order_obr_desc 3.1: the delivery service's refusal annuls the order
// with its reason.
func ordersDeliveryRefuses(t *testing.T, e *env) {
	d := e.orderDriver(t)
	o := e.ordered(t, 1)
	d.AddStock(ordGood, 1, 0)
	d.ProcessOrders()
	id := d.DeliveryRefuses(o.OrderID, "Conformance: адрес вне зоны доставки")
	require.NotZero(t, id)
	oc, err := fulfillment.ParseOrdersCancel(e.outdoc(t, id))
	require.NoError(t, err)
	require.Equal(t, "Conformance: адрес вне зоны доставки", oc.Orders[0].CancelReasonDescrip)
}
