package service_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/cdek/cdektest"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/skladflowtest"
	"github.com/skladflow/skladflow/storage"
)

const co = moysklad.TypeCustomerOrder

// setupOrders is an installation with the customer-order flow (delivery
// service 3, СДЭК in the emulator's settings), the kettle and the mug
// registered at the warehouse with stock (the catalogue flow registers
// goods later). setup made the demand's track-number field.
func setupOrders(t *testing.T, stock int32, edit ...func(*config.Config)) *bundle {
	t.Helper()
	return setupOrdersOn(t, moyskladtest.Options{}, stock, edit...)
}

// setupOrdersOn is setupOrders on a MoySklad account with options.
func setupOrdersOn(t *testing.T, ms moyskladtest.Options, stock int32, edit ...func(*config.Config)) *bundle {
	t.Helper()
	return setupOrdersWith(t, setupOpts{msOpts: ms, edit: func(c *config.Config) {
		for _, e := range edit {
			e(c)
		}
	}}, stock)
}

// setupOrdersWith is setupOrders with the installation's options; the
// orders section is added before o.edit runs.
func setupOrdersWith(t *testing.T, o setupOpts, stock int32) *bundle {
	t.Helper()
	edit := o.edit
	o.edit = func(c *config.Config) {
		c.Orders = &config.Orders{DeliveryID: 3}
		if edit != nil {
			edit(c)
		}
	}
	b := setup(t, o)
	fb, err := fulfillment.NewClient(fulfillment.Config{BaseURL: b.fb.URL(), PartnerID: "partner", Password: "secret"})
	require.NoError(t, err)
	require.NoError(t, fb.RegisterGoods(b.ctx, fulfillment.Good{GoodID: "KT-1700", GoodName: "Чайник"}, fulfillment.Good{GoodID: "MG-350", GoodName: "Кружка"}))
	for _, g := range []string{"KT-1700", "MG-350"} {
		b.fb.AddStock(g, stock, 0)
	}
	return b
}

// customerOrder creates a customer order reserved at the warehouse, as
// staff would: 1500 ₽ a unit, to the harness address.
func (b *bundle) customerOrder(t *testing.T, name string, lines ...line) moysklad.Document {
	t.Helper()
	agent := b.ms.AddCounterparty(buyer)
	addr := skladflowtest.Address
	var ps []moyskladtest.PositionSpec
	for _, l := range lines {
		ps = append(ps, moyskladtest.PositionSpec{ProductID: l.p.ID, Quantity: l.qty, Price: 150000})
	}
	d, err := b.ms.CreateDocument(co, moyskladtest.DocumentSpec{Name: name, Description: "Заказ с сайта", Store: b.store.ID,
		Agent: agent.ID, ShipmentAddress: &addr, Positions: ps})
	require.NoError(t, err)
	return d
}

// submitOrder hands a new customer order to the warehouse and returns it
// with its FBox order_id.
func (b *bundle) submitOrder(t *testing.T, name string, lines ...line) (moysklad.Document, string) {
	t.Helper()
	doc := b.customerOrder(t, name, lines...)
	b.setStatus(t, co, doc.ID, "Передать на склад")
	b.waitStatus(t, co, doc.ID, "Передан на склад")
	b.waitRow(t, co, doc.ID, "submitted")
	return doc, b.row(t, co, doc.ID).IndocID
}

// pollNow has skladflow read the warehouse feed now.
func (b *bundle) pollNow(t *testing.T) {
	t.Helper()
	require.NoError(t, b.svc.PollNow(b.ctx))
}

// demandOf is the demand skladflow created for an order's share of an
// orders_shipment, as MoySklad holds it.
func (b *bundle) demandOf(t *testing.T, outdoc int64, orderID string) moysklad.Document {
	t.Helper()
	var part struct {
		DemandID string `json:"demand_id"`
	}
	require.Eventually(t, func() bool {
		p, err := b.svc.Store.OutdocPart(context.Background(), skladflowtest.Warehouse, outdoc, orderID)
		return err == nil && json.Unmarshal(p.Change, &part) == nil && part.DemandID != ""
	}, patience, 20*time.Millisecond)
	d, err := b.ms.Document(moysklad.TypeDemand, part.DemandID)
	require.NoError(t, err)
	return d
}

// demands counts the demands MoySklad holds.
func (b *bundle) demands(t *testing.T) int {
	t.Helper()
	ds, err := b.svc.MoySklad.ListDocuments(b.ctx, moysklad.TypeDemand, "")
	require.NoError(t, err)
	return len(ds)
}

// outdocLocked waits until skladflow marked the warehouse document imported.
// outdocLocked waits until the document is locked at the warehouse and
// skladflow has recorded that it is: the feed asks for a revert only of
// documents it knows are done, so a test must not race that record.
func (b *bundle) outdocLocked(t *testing.T, id int64) {
	t.Helper()
	require.Eventually(t, func() bool {
		h, _ := b.fb.Outdoc(id)
		od, err := b.svc.Store.Outdoc(b.ctx, skladflowtest.Warehouse, id)
		return h.Locked && err == nil && od.Status == storage.OutdocLocked
	}, patience, 20*time.Millisecond)
}

// setField sets a text custom field of a document (setup made the field).
func (b *bundle) setField(t *testing.T, typ, id, name, value string) {
	t.Helper()
	attrs, err := b.svc.MoySklad.Attributes(b.ctx, typ)
	require.NoError(t, err)
	i := slices.IndexFunc(attrs, func(a moysklad.Attribute) bool { return a.Name == name })
	require.GreaterOrEqual(t, i, 0, "setup made the field %q", name)
	_, err = b.svc.MoySklad.UpdateDocument(b.ctx, typ, id, moysklad.DocumentUpdate{Attributes: []moysklad.Attribute{attrs[i].WithValue(value)}})
	require.NoError(t, err)
}

func TestOrderShippedWhole(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	doc := b.customerOrder(t, "00051", line{b.p.kettle, 2}, line{b.p.mug, 1})
	b.setField(t, co, doc.ID, "Пункт выдачи", "PVZ-630099-12")
	b.setStatus(t, co, doc.ID, "Передать на склад")
	d := b.waitStatus(t, co, doc.ID, "Передан на склад")
	id := b.row(t, co, doc.ID).IndocID
	require.Equal(t, "00051", id, "the order_id is the order's number (no prefix configured)")
	require.Contains(t, lastLine(t, d), " Передан на склад БетаПРО: заказ 00051, 3 шт., служба доставки «СДЭК»")

	o, stage, ok := b.fb.Order(id)
	require.True(t, ok)
	require.Equal(t, "pool", stage)
	require.Equal(t, int32(3), o.DeliveryID)
	require.Len(t, o.Goods, 3, "one unit per line")
	require.Equal(t, fulfillment.OrderGood{GoodID: "KT-1700", DeclaredValue: 1500, COD: 1500, VATRate: o.Goods[0].VATRate}, o.Goods[0])
	require.Equal(t, &fulfillment.OrderClient{Name: buyer.Name, Phone: buyer.Phone, Email: buyer.Email}, o.Client)
	require.Equal(t, &fulfillment.OrderAddress{Zip: "630099", City: "Новосибирск", Street: "ул Ленина", House: "5, кв. 12"}, o.Address)
	require.Equal(t, &fulfillment.OrderDelivery{PickpointID: "PVZ-630099-12"}, o.Delivery, "the pickup point from the order's field")
	require.True(t, b.fb.OutdocTypeOn(fulfillment.OutdocOrdersProductionStart), "the flow turned its optional outdocs on")

	start := b.fb.ProcessOrders()
	require.Len(t, start, 1)
	b.pollNow(t)
	d = b.waitStatus(t, co, doc.ID, "Собирается")
	require.Contains(t, lastLine(t, d), "Склад БетаПРО начал сборку заказа 00051")
	b.outdocLocked(t, start[0])

	require.NoError(t, b.fb.StartPicking(id))
	ship, err := b.fb.ShipOrders(nil, id)
	require.NoError(t, err)
	b.pollNow(t)
	d = b.waitStatus(t, co, doc.ID, "Отгружен")
	b.waitRow(t, co, doc.ID, "shipped")
	b.outdocLocked(t, ship)
	dm := b.demandOf(t, ship, id)
	track := attribute(dm, "Трек-номер")
	require.NotEmpty(t, track)
	require.Contains(t, lastLine(t, d), "Отгружен складом БетаПРО (док. склада")
	require.Contains(t, lastLine(t, d), "отгрузка "+dm.Name+" проведена, 3 шт., трек-номер "+track.(string))
	require.True(t, dm.Applicable, "the demand is posted")
	require.Equal(t, b.store.ID, dm.Store.ID(), "shipped from the warehouse store")
	require.Equal(t, map[string]float64{"KT-1700": 2, "MG-350": 1}, quantities(dm))
	raw, ok := dm.Extra("customerOrder")
	require.True(t, ok, "the demand is linked to its order")
	require.Contains(t, string(raw), doc.ID)
	require.Contains(t, dm.Description, "Отгружено складом БетаПРО по заказу 00051")
}

// shippedLines counts the mini-log lines telling the order left.
func shippedLines(d moysklad.Document) int {
	n := 0
	for _, l := range logLines(d) {
		if strings.Contains(l, "Отгружен") && strings.Contains(l, "(док. склада") {
			n++
		}
	}
	return n
}

func TestOrderLostAnswersMakeOneOrderAndOneDemand(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	doc := b.customerOrder(t, "00052", line{b.p.kettle, 1})
	b.fb.LoseOrderAnswerNext() // FBox creates the order, the answer never comes
	b.setStatus(t, co, doc.ID, "Передать на склад")
	d := b.waitStatus(t, co, doc.ID, "Передан на склад")
	b.waitRow(t, co, doc.ID, "submitted") // the timeline is written with the state, after the status
	id := b.row(t, co, doc.ID).IndocID
	require.Equal(t, []string{id}, b.fb.OrderIDs(), "no second order")
	tl, err := b.svc.Store.Timeline(b.ctx, co, doc.ID)
	require.NoError(t, err)
	// The FBox client repeats the POST (every FBox call is safe to repeat):
	// the warehouse answers «already registered» and the flow reads the
	// order back instead of failing or sending another.
	require.GreaterOrEqual(t, b.fb.OrderCreateCalls(id), 1)
	_, stage, _ := b.fb.Order(id)
	require.Equal(t, "pool", stage)
	require.Len(t, logLines(d), 1)
	require.True(t, slices.ContainsFunc(tl, func(e storage.TimelineEntry) bool {
		return strings.Contains(e.Message, "ответ на создание был потерян")
	}), "the timeline says why nothing was sent again")

	b.fb.ProcessOrders()
	ship, err := b.fb.ShipOrders(nil, id)
	require.NoError(t, err)
	b.ms.DropAnswerNext("POST", "/entity/demand") // MoySklad creates the demand, the answer is lost
	b.pollNow(t)
	d = b.waitStatus(t, co, doc.ID, "Отгружен")
	b.outdocLocked(t, ship)
	b.pollNow(t) // a repeated read of the feed applies nothing twice
	require.NoError(t, b.h.WaitProcessed(b.ctx, co, doc.ID))
	require.Equal(t, 1, b.demands(t), "no second demand")
	d, err = b.ms.Document(co, doc.ID)
	require.NoError(t, err)
	require.Equal(t, 1, shippedLines(d))
	require.Equal(t, map[string]float64{"KT-1700": 1}, quantities(b.demandOf(t, ship, id)))
}

func TestOrderDeficitThenStockArrivesThenShippedShort(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 1) // one kettle, one mug
	doc, id := b.submitOrder(t, "00053", line{b.p.kettle, 3}, line{b.p.mug, 1})

	short := b.fb.ProcessOrders()
	require.Len(t, short, 1)
	b.pollNow(t)
	d := b.waitStatus(t, co, doc.ID, "Нет товара")
	require.Contains(t, lastLine(t, d), "Нет товара на складе БетаПРО для заказа 00053")
	require.Contains(t, lastLine(t, d), "KT-1700 «Чайник» не хватает 2 шт.")
	require.NotContains(t, lastLine(t, d), "MG-350", "the mug is there")
	b.waitRow(t, co, doc.ID, "deficit")
	require.Empty(t, b.fb.ProcessOrders(), "the pool retried: nothing new to say")

	b.fb.AddStock("KT-1700", 5, 0) // stock arrives
	start := b.fb.ProcessOrders()
	require.Len(t, start, 1)
	b.pollNow(t)
	d = b.waitStatus(t, co, doc.ID, "Собирается")
	b.outdocLocked(t, start[0])

	ship, err := b.fb.ShipOrders(map[string]map[string]int32{id: {"KT-1700": 1}}, id) // one kettle short
	require.NoError(t, err)
	b.pollNow(t)
	d = b.waitStatus(t, co, doc.ID, "Отгружен частично")
	require.Contains(t, lastLine(t, d), "Отгружен частично складом БетаПРО")
	require.Contains(t, lastLine(t, d), "3 шт.")
	require.Contains(t, lastLine(t, d), "не отгружено: KT-1700 «Чайник» 2 из 3")
	dm := b.demandOf(t, ship, id)
	require.Equal(t, map[string]float64{"KT-1700": 2, "MG-350": 1}, quantities(dm), "the demand holds what really left")
	require.True(t, dm.Applicable)
	o, err := b.ms.Document(co, doc.ID)
	require.NoError(t, err)
	require.Equal(t, map[string]float64{"KT-1700": 3, "MG-350": 1}, quantities(o), "the order keeps what was ordered")
}

func TestOrderOutdocsOutOfOrder(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	doc, id := b.submitOrder(t, "00054", line{b.p.mug, 2})
	start := b.fb.ProcessOrders()
	require.Len(t, start, 1)
	require.NoError(t, b.fb.StartPicking(id))
	ship, err := b.fb.ShipOrders(nil, id)
	require.NoError(t, err)

	// The shipment is applied first; the production start after it
	// changes nothing.
	b.fb.FailNext(fboxtest.Fault{Method: "GET", PathPrefix: "/outdocs/" + strconv.FormatInt(start[0], 10), HTTPStatus: 400, Code: 400,
		Message: "Документ временно недоступен"})
	b.pollNow(t)
	b.waitStatus(t, co, doc.ID, "Отгружен")
	b.waitRow(t, co, doc.ID, "shipped")
	b.outdocLocked(t, ship)
	b.pollNow(t)
	b.outdocLocked(t, start[0])
	d, err := b.ms.Document(co, doc.ID)
	require.NoError(t, err)
	require.Equal(t, "Отгружен", d.StateName(), "a late production start does not reopen a shipped order")
	require.Equal(t, "shipped", b.row(t, co, doc.ID).State)
	require.Equal(t, 1, shippedLines(d))
	p, err := b.svc.Store.OutdocPart(b.ctx, skladflowtest.Warehouse, start[0], id)
	require.NoError(t, err)
	require.Equal(t, storage.PartSkipped, p.Status)
}

func TestOrderShipmentOfSeveralOrders(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 20)
	var docs []moysklad.Document
	var ids []string
	for _, n := range []string{"00061", "00062", "00063"} {
		d, id := b.submitOrder(t, n, line{b.p.kettle, 1}, line{b.p.mug, 2})
		docs, ids = append(docs, d), append(ids, id)
	}
	// An order of another system of the shop's, in the same shipment.
	fb, err := fulfillment.NewClient(fulfillment.Config{BaseURL: b.fb.URL(), PartnerID: "partner", Password: "secret"})
	require.NoError(t, err)
	require.NoError(t, fb.CreateOrders(b.ctx, fulfillment.Order{OrderID: "OTHER-1", DeliveryID: 3,
		Goods: []fulfillment.OrderGood{{GoodID: "MG-350", DeclaredValue: 100, COD: 0}}}))
	b.fb.ProcessOrders()
	ship, err := b.fb.ShipOrders(nil, append(slices.Clone(ids), "OTHER-1")...)
	require.NoError(t, err)

	// MoySklad refuses the first demand: the other orders are applied, the
	// warehouse document stays unlocked until every order is.
	b.ms.FailNext(moyskladtest.Fault{Method: "POST", PathContains: "/entity/demand", Status: 412, Code: 1000, Message: "Ошибка"})
	b.pollNow(t)
	require.Eventually(t, func() bool {
		n := 0
		for _, d := range docs {
			if x, err := b.ms.Document(co, d.ID); err == nil && x.StateName() == "Отгружен" {
				n++
			}
		}
		return n == 2
	}, patience, 20*time.Millisecond)
	require.NoError(t, b.h.WaitProcessed(b.ctx, co, docs[0].ID))
	h, _ := b.fb.Outdoc(ship)
	require.False(t, h.Locked, "not every order of it is applied")

	b.pollNow(t) // the next read tries again
	for _, d := range docs {
		x := b.waitStatus(t, co, d.ID, "Отгружен")
		require.Equal(t, 1, shippedLines(x), d.Name)
	}
	b.outdocLocked(t, ship)
	require.Equal(t, 3, b.demands(t), "one demand per order, none for the other system's")
	for _, id := range ids {
		require.Equal(t, map[string]float64{"KT-1700": 1, "MG-350": 2}, quantities(b.demandOf(t, ship, id)))
	}
	p, err := b.svc.Store.OutdocPart(b.ctx, skladflowtest.Warehouse, ship, "OTHER-1")
	require.NoError(t, err)
	require.Equal(t, storage.PartSkipped, p.Status)
}

func TestOrderCancelAtEveryStage(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	pool, poolID := b.submitOrder(t, "00071", line{b.p.kettle, 1})
	picking, pickingID := b.submitOrder(t, "00072", line{b.p.mug, 1})
	shipped, shippedID := b.submitOrder(t, "00073", line{b.p.mug, 1})
	never := b.customerOrder(t, "00074", line{b.p.mug, 1})
	require.Len(t, b.fb.ProcessOrders(), 1)
	b.pollNow(t)
	b.waitStatus(t, co, picking.ID, "Собирается")
	b.waitStatus(t, co, pool.ID, "Собирается")
	require.NoError(t, b.fb.StartPicking(pickingID))
	ship, err := b.fb.ShipOrders(nil, shippedID)
	require.NoError(t, err)
	b.pollNow(t)
	b.waitStatus(t, co, shipped.ID, "Отгружен")
	b.outdocLocked(t, ship)

	// Before picking: cancelled at once.
	b.setStatus(t, co, pool.ID, "Отменить")
	d := b.waitStatus(t, co, pool.ID, "Отменён")
	require.Contains(t, lastLine(t, d), "Отменён: заказ 00071 отменён на складе БетаПРО")
	_, stage, _ := b.fb.Order(poolID)
	require.Equal(t, "canceled", stage)

	// Picking: requested, finished by the orders_cancel at the pallet.
	b.setStatus(t, co, picking.ID, "Отменить")
	d = b.waitStatus(t, co, picking.ID, "Отменяется")
	require.Contains(t, lastLine(t, d), "склад БетаПРО уже собирает заказ 00072; отмена запрошена")
	require.True(t, b.fb.CancelRequested(pickingID))
	b.waitRow(t, co, picking.ID, "cancelling")
	cancelDoc, err := b.fb.PalletOrders(pickingID)
	require.NoError(t, err)
	require.NotZero(t, cancelDoc)
	b.pollNow(t)
	d = b.waitStatus(t, co, picking.ID, "Отменён")
	require.Contains(t, lastLine(t, d), "Отменён: склад БетаПРО снял заказ 00072 со сборки (док. склада")
	b.waitRow(t, co, picking.ID, "cancelled")
	b.outdocLocked(t, cancelDoc)

	// Shipped: the warehouse asks the carrier for a return, the order stays shipped.
	b.setStatus(t, co, shipped.ID, "Отменить")
	d = b.waitStatus(t, co, shipped.ID, "Ошибка отмены")
	require.Contains(t, lastLine(t, d), "Ошибка отмены: заказ уже отгружен, склад запросил возврат у службы доставки")
	require.Equal(t, "shipped", b.row(t, co, shipped.ID).State)
	require.True(t, b.fb.CancelRequested(shippedID))

	// Never sent: nothing to cancel.
	b.setStatus(t, co, never.ID, "Отменить")
	d = b.waitStatus(t, co, never.ID, "Ошибка отмены")
	require.Contains(t, lastLine(t, d), "Отменять нечего: заказ не передавался на склад")

	// A cancelled order sent again is a new warehouse order.
	b.setStatus(t, co, pool.ID, "Передать на склад")
	d = b.waitStatus(t, co, pool.ID, "Передан на склад")
	require.Contains(t, lastLine(t, d), "заказ 00071-2")
	_, stage, ok := b.fb.Order("00071-2")
	require.True(t, ok)
	require.Equal(t, "pool", stage)
}

func TestOrderChangedIsResentUntilPickingStarts(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	doc, id := b.submitOrder(t, "00081", line{b.p.kettle, 1})

	// Staff add a mug and hand the order over again.
	cur, err := b.svc.MoySklad.GetDocument(b.ctx, co, doc.ID, "positions")
	require.NoError(t, err)
	rows := []moysklad.Position{cur.Rows()[0].ForWrite()}
	extra := moyskladtest.Position("", 2, &b.p.mug).ForWrite()
	rows = append(rows, extra)
	_, err = b.svc.MoySklad.UpdateDocument(b.ctx, co, doc.ID, moysklad.DocumentUpdate{Positions: &rows})
	require.NoError(t, err)
	b.setStatus(t, co, doc.ID, "Передать на склад")
	d := b.waitStatus(t, co, doc.ID, "Передан на склад")
	require.Contains(t, lastLine(t, d), "Передан на склад БетаПРО: заказ 00081-2, 3 шт.")
	_, stage, _ := b.fb.Order(id)
	require.Equal(t, "canceled", stage, "the old order is cancelled")
	o, stage, ok := b.fb.Order("00081-2")
	require.True(t, ok)
	require.Equal(t, "pool", stage)
	require.Len(t, o.Goods, 3)

	// Once picking started, a change is refused with the reason.
	require.Len(t, b.fb.ProcessOrders(), 1)
	b.pollNow(t)
	b.waitStatus(t, co, doc.ID, "Собирается")
	b.setStatus(t, co, doc.ID, "Передать на склад")
	require.Eventually(t, func() bool {
		x, err := b.ms.Document(co, doc.ID)
		return err == nil && x.StateName() == "Собирается" && strings.Contains(skladflowtest.LastLine(x), "Изменения не переданы")
	}, patience, 20*time.Millisecond)
	d, err = b.ms.Document(co, doc.ID)
	require.NoError(t, err)
	require.Contains(t, lastLine(t, d), "Изменения не переданы: склад БетаПРО уже собирает заказ 00081-2, изменить его нельзя")
	_, stage, _ = b.fb.Order("00081-2")
	require.Equal(t, "production", stage, "the order being picked is left alone")
	require.Equal(t, "picking", b.row(t, co, doc.ID).State)
}

func TestOrderRefusedByDeliveryServiceThenResent(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	doc, id := b.submitOrder(t, "00091", line{b.p.kettle, 1})
	require.Len(t, b.fb.ProcessOrders(), 1) // pre-registration with the carrier comes with production
	b.pollNow(t)
	b.waitStatus(t, co, doc.ID, "Собирается")
	cancelDoc := b.fb.DeliveryRefuses(id, "Адрес вне зоны доставки")
	require.NotZero(t, cancelDoc)
	b.pollNow(t)
	d := b.waitStatus(t, co, doc.ID, "Ошибка передачи")
	require.Contains(t, lastLine(t, d), "Не передан: склад БетаПРО аннулировал заказ 00091")
	require.Contains(t, lastLine(t, d), "служба доставки отказала: 2: Адрес вне зоны доставки")
	b.outdocLocked(t, cancelDoc)

	b.setStatus(t, co, doc.ID, "Передать на склад") // after the fix
	d = b.waitStatus(t, co, doc.ID, "Передан на склад")
	require.Contains(t, lastLine(t, d), "заказ 00091-2")
}

func TestOrderShipmentRefusedByCarrier(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	doc, id := b.submitOrder(t, "00095", line{b.p.kettle, 2})
	b.fb.ProcessOrders()
	ship, err := b.fb.ShipOrders(nil, id)
	require.NoError(t, err)
	b.pollNow(t)
	b.waitStatus(t, co, doc.ID, "Отгружен")
	b.outdocLocked(t, ship)
	first := b.demandOf(t, ship, id)

	refusal, err := b.fb.RefuseShipment(id)
	require.NoError(t, err)
	require.NotZero(t, refusal, "the shipment was locked: a refusal document comes")
	b.pollNow(t)
	d := b.waitStatus(t, co, doc.ID, "Собирается")
	require.Contains(t, lastLine(t, d), "Служба доставки не приняла заказ 00095")
	require.Contains(t, lastLine(t, d), "отгрузка "+first.Name+" распроведена")
	b.waitRow(t, co, doc.ID, "picking")
	x, err := b.ms.Document(moysklad.TypeDemand, first.ID)
	require.NoError(t, err)
	require.False(t, x.Applicable, "the demand is un-posted")

	again, err := b.fb.ShipOrders(nil, id)
	require.NoError(t, err)
	b.pollNow(t)
	b.waitStatus(t, co, doc.ID, "Отгружен")
	second := b.demandOf(t, again, id)
	require.NotEqual(t, first.ID, second.ID)
	require.True(t, second.Applicable)
}

func TestOrderRefusedByWarehouse(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10, func(c *config.Config) { c.Orders.DeliveryAttribute = "Служба доставки склада" })

	// The warehouse refuses the order: FBox's code and text. Its goods were
	// registered first, the flask never having come through a supply.
	b.fb.FailNext(fboxtest.Fault{Method: "POST", PathPrefix: "/orders", Code: 1000,
		Message: "Заказ 00097: вес отправления больше допустимого для службы доставки", Count: 1})
	doc := b.customerOrder(t, "00097", line{b.p.kettle, 1}, line{b.p.flask, 1})
	b.setStatus(t, co, doc.ID, "Передать на склад")
	d := b.waitStatus(t, co, doc.ID, "Ошибка передачи")
	require.Contains(t, lastLine(t, d), "Не передан на склад БетаПРО: заказ 00097 отклонён: ошибка склада 1000: Заказ 00097: вес отправления больше допустимого для службы доставки")
	require.Empty(t, b.fb.OrderIDs())
	_, registered := b.fb.Good("TH-500")
	require.True(t, registered, "goods are registered before the order names them")

	// A delivery service the warehouse has not connected, from the order's field.
	doc = b.customerOrder(t, "00098", line{b.p.kettle, 1})
	b.setField(t, co, doc.ID, "Служба доставки склада", "99")
	b.setStatus(t, co, doc.ID, "Передать на склад")
	d = b.waitStatus(t, co, doc.ID, "Ошибка передачи")
	require.Contains(t, lastLine(t, d), "служба доставки 99 не подключена на складе; подключены: 1 «Почта России», 3 «СДЭК»")
	require.Empty(t, b.fb.OrderIDs())
}

func TestOrderShippedWhenMoySkladForbidsShippingMissingGoods(t *testing.T) {
	t.Parallel()
	b := setupOrdersOn(t, moyskladtest.Options{CheckShippingStock: true}, 10)
	require.NoError(t, b.ms.SetStock(b.store.ID, b.p.mug.ID, 5)) // MoySklad's books: mugs, no kettles
	withStock, idWith := b.submitOrder(t, "00101", line{b.p.mug, 2})
	without, idWithout := b.submitOrder(t, "00102", line{b.p.kettle, 1})
	b.fb.ProcessOrders()
	ship, err := b.fb.ShipOrders(nil, idWith, idWithout)
	require.NoError(t, err)
	b.pollNow(t)

	d := b.waitStatus(t, co, withStock.ID, "Отгружен")
	require.True(t, b.demandOf(t, ship, idWith).Applicable)
	require.Contains(t, lastLine(t, d), "проведена, 2 шт.")
	require.Equal(t, 3.0, b.ms.Stock(b.store.ID, b.p.mug.ID), "the posted demand took two mugs")

	// The kettle left the warehouse although MoySklad shows none: the demand
	// is kept unposted and staff are told why.
	d = b.waitStatus(t, co, without.ID, "Отгружен")
	dm := b.demandOf(t, ship, idWithout)
	require.False(t, dm.Applicable)
	require.Equal(t, map[string]float64{"KT-1700": 1}, quantities(dm))
	require.Contains(t, lastLine(t, d), "отгрузка "+dm.Name+" создана, но не проведена — МойСклад отказал: ошибка 17015: Нельзя провести документ")
	b.outdocLocked(t, ship)
	require.Equal(t, 2, b.demands(t))
}

func TestOrderOfASecondShopGetsItsPrefixAndDepartment(t *testing.T) {
	t.Parallel()
	h := skladflowtest.Start(t, skladflowtest.Options{
		FBox: fboxtest.Options{Ownerdeps: []fulfillment.Ownerdep{{OwnerdepID: 7, OwnerdepName: "Маркет 2"}}},
		Edit: func(c *config.Config) {
			c.Orders = &config.Orders{DeliveryID: 3, OrderPrefix: "S1-", Shops: []config.Shop{{SalesChannel: "Маркет 2", OrderPrefix: "S2-", OwnerdepID: 7}}}
		},
	})
	b := &bundle{ctx: t.Context(), h: h, ms: h.MoySklad, fb: h.FBox, svc: h.Service, cfg: h.Config, store: h.Store, other: h.Other,
		p: products{kettle: h.Products[0], mug: h.Products[1], flask: h.Products[2], bigFlask: h.Products[3], noArticle: h.Products[4]}}
	fb, err := fulfillment.NewClient(fulfillment.Config{BaseURL: b.fb.URL(), PartnerID: "partner", Password: "secret"})
	require.NoError(t, err)
	require.NoError(t, fb.RegisterGoods(b.ctx, fulfillment.Good{GoodID: "KT-1700", GoodName: "Чайник"}))
	channel := b.ms.AddSalesChannel("Маркет 2", "m2").Meta.ID()

	agent := b.ms.AddCounterparty(buyer)
	mk := func(name, channel string) moysklad.Document {
		d, err := b.ms.CreateDocument(co, moyskladtest.DocumentSpec{Name: name, Store: b.store.ID, Agent: agent.ID, SalesChannel: channel,
			Positions: []moyskladtest.PositionSpec{{ProductID: b.p.kettle.ID, Quantity: 1, Price: 100000}}})
		require.NoError(t, err)
		return d
	}
	first, second := mk("00201", ""), mk("00201-M", channel)
	for _, d := range []moysklad.Document{first, second} {
		b.setStatus(t, co, d.ID, "Передать на склад")
		b.waitStatus(t, co, d.ID, "Передан на склад")
	}
	o, _, ok := b.fb.Order("S1-00201")
	require.True(t, ok, "the account's prefix")
	require.Nil(t, o.Control)
	o, _, ok = b.fb.Order("S2-00201-M")
	require.True(t, ok, "the shop's prefix, found by the order's sales channel")
	require.Equal(t, int32(7), o.Control.OwnerdepID)
}

// With both flows configured, «Передать в СДЭК» on an order at the
// warehouse is still the CDEK flow's refusal, and «Передать на склад» on
// it is the warehouse's.
func TestOrderAtTheWarehouseIsNotForCDEK(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t, cdektest.Options{}, func(c *config.Config) { c.Orders = &config.Orders{DeliveryID: 3} })
	fb, err := fulfillment.NewClient(fulfillment.Config{BaseURL: b.fb.URL(), PartnerID: "partner", Password: "secret"})
	require.NoError(t, err)
	require.NoError(t, fb.RegisterGoods(b.ctx, fulfillment.Good{GoodID: "KT-1700", GoodName: "Чайник"}))
	doc := b.customerOrder(t, "00301", line{b.p.kettle, 1})
	b.setStatus(t, co, doc.ID, "Передать в СДЭК")
	d := b.waitStatus(t, co, doc.ID, "Ошибка СДЭК")
	require.Contains(t, lastLine(t, d), "Не передан в СДЭК: товар на складе БетаПРО, а склад отправляет заказы сам")
	require.Zero(t, b.cd.Creates())

	b.setStatus(t, co, doc.ID, "Передать на склад")
	d = b.waitStatus(t, co, doc.ID, "Передан на склад")
	require.Contains(t, lastLine(t, d), "заказ 00301")
}

// Staff cancel an order the warehouse has already shipped but skladflow
// has not yet read: the cancellation is only requested, and the shipment
// that follows answers it.
func TestOrderCancelledWhileItLeaves(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	doc, id := b.submitOrder(t, "00111", line{b.p.kettle, 1})
	b.fb.ProcessOrders()
	require.NoError(t, b.fb.StartPicking(id))
	ship, err := b.fb.ShipOrders(nil, id) // not read yet
	require.NoError(t, err)

	b.setStatus(t, co, doc.ID, "Отменить")
	b.waitStatus(t, co, doc.ID, "Отменяется")
	b.waitRow(t, co, doc.ID, "cancelling")
	b.pollNow(t)
	d := b.waitStatus(t, co, doc.ID, "Ошибка отмены")
	require.Contains(t, lastLine(t, d), "Ошибка отмены: склад БетаПРО отгрузил заказ 00111 до отмены (док. склада")
	b.waitRow(t, co, doc.ID, "shipped")
	dm := b.demandOf(t, ship, id)
	require.True(t, dm.Applicable, "what left is in MoySklad")
	require.Contains(t, lastLine(t, d), "отгрузка "+dm.Name+" проведена")
}

func TestOrderWarehouseDownPastHorizonThenRerun(t *testing.T) {
	t.Parallel()
	b := setupOrdersWith(t, setupOpts{retryBudget: 100 * time.Millisecond, edit: func(c *config.Config) {
		c.Queue.RetryHorizon = config.Duration{Duration: 2 * time.Second}
	}}, 10)
	b.fb.FailNext(fboxtest.Fault{Method: "POST", PathPrefix: "/orders", HTTPStatus: 503, Code: 503, Message: "Service Unavailable", Count: 1000})
	doc := b.customerOrder(t, "00121", line{b.p.kettle, 1})
	b.setStatus(t, co, doc.ID, "Передать на склад")
	d := b.waitStatus(t, co, doc.ID, "Ошибка передачи")
	require.Contains(t, lastLine(t, d), "Не передан на склад БетаПРО: склад недоступен, повторные попытки исчерпаны (склад ответил HTTP 503: Service Unavailable)")
	require.Empty(t, b.fb.OrderIDs())

	b.fb.ClearFaults()
	_, err := b.svc.Store.River().Insert(b.ctx, storage.RerunDocumentArgs{DocType: co, DocID: doc.ID}, nil)
	require.NoError(t, err)
	d = b.waitStatus(t, co, doc.ID, "Передан на склад")
	require.Contains(t, lastLine(t, d), "Передан на склад БетаПРО: заказ 00121")
	require.Equal(t, []string{"00121"}, b.fb.OrderIDs())
}

// The warehouse asks to unlock an orders_shipment to correct it
// (unlock_request, fbox.md §8): the demand is un-posted, the order is back
// at «Собирается», and the document is unlocked for its replacement.
func TestOrderShipmentWithdrawnForCorrection(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	doc, id := b.submitOrder(t, "00131", line{b.p.kettle, 1})
	b.fb.ProcessOrders()
	ship, err := b.fb.ShipOrders(nil, id)
	require.NoError(t, err)
	b.pollNow(t)
	b.waitStatus(t, co, doc.ID, "Отгружен")
	b.outdocLocked(t, ship)
	dm := b.demandOf(t, ship, id)

	n, err := b.svc.Store.RequestRevert(b.ctx, skladflowtest.Warehouse, []int64{ship}) // as the feed does on unlock_request
	require.NoError(t, err)
	require.Equal(t, 1, n)
	d := b.waitStatus(t, co, doc.ID, "Собирается")
	require.Contains(t, lastLine(t, d), "Склад БетаПРО отозвал документ отгрузки "+strconv.FormatInt(ship, 10)+" для исправления: отгрузка "+dm.Name+" распроведена")
	b.waitRow(t, co, doc.ID, "picking")
	x, err := b.ms.Document(moysklad.TypeDemand, dm.ID)
	require.NoError(t, err)
	require.False(t, x.Applicable)
	require.Eventually(t, func() bool { h, _ := b.fb.Outdoc(ship); return !h.Locked }, patience, 20*time.Millisecond, "unlocked for the replacement")
	p, err := b.svc.Store.OutdocPart(b.ctx, skladflowtest.Warehouse, ship, id)
	require.NoError(t, err)
	require.Equal(t, storage.PartReverted, p.Status)
}

// An order staff deleted in MoySklad does not hold up the others of its
// shipment.
func TestOrderDeletedInMoySkladIsSkipped(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	kept, keptID := b.submitOrder(t, "00141", line{b.p.kettle, 1})
	gone, goneID := b.submitOrder(t, "00142", line{b.p.mug, 1})
	b.fb.ProcessOrders()
	ship, err := b.fb.ShipOrders(nil, keptID, goneID)
	require.NoError(t, err)
	require.NoError(t, b.svc.MoySklad.Do(b.ctx, "DELETE", "entity/"+co+"/"+gone.ID, nil, nil, nil))

	b.pollNow(t)
	b.waitStatus(t, co, kept.ID, "Отгружен")
	b.outdocLocked(t, ship)
	p, err := b.svc.Store.OutdocPart(b.ctx, skladflowtest.Warehouse, ship, goneID)
	require.NoError(t, err)
	require.Equal(t, storage.PartSkipped, p.Status)
	require.Equal(t, 1, b.demands(t))
}

// A bundle goes to the warehouse as its components, registered first; the
// demand keeps the bundle's line as ordered.
func TestOrderBundleExpandedIntoItsComponents(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	set, err := b.ms.AddBundle(moyskladtest.BundleSpec{Name: "Набор «Чаепитие»", Article: "SET-1", Components: []moyskladtest.ComponentSpec{
		{AssortmentID: b.p.kettle.ID, Quantity: 1}, {AssortmentID: b.p.mug.ID, Quantity: 2}}})
	require.NoError(t, err)
	doc, id := b.submitOrder(t, "00061", line{set, 1})

	o, _, ok := b.fb.Order(id)
	require.True(t, ok)
	var goods []string
	for _, g := range o.Goods {
		goods = append(goods, g.GoodID)
	}
	require.ElementsMatch(t, []string{"KT-1700", "MG-350", "MG-350"}, goods, "one line per unit of each component")

	b.fb.ProcessOrders()
	require.NoError(t, b.fb.StartPicking(id))
	ship, err := b.fb.ShipOrders(nil, id)
	require.NoError(t, err)
	b.pollNow(t)
	b.waitStatus(t, co, doc.ID, "Отгружен")
	demand := b.demandOf(t, ship, id)
	require.True(t, demand.Applicable)
	require.Len(t, demand.Rows(), 1)
	require.Equal(t, set.ID, demand.Rows()[0].Assortment.ID)
	require.EqualValues(t, 1, demand.Rows()[0].Quantity)
}
