package service_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/skladflowtest"
)

const co = moysklad.TypeCustomerOrder

// setupOrders is an installation with the customer-order flow (delivery
// service 3, СДЭК in the emulator's settings), the kettle and the mug
// registered at the warehouse with stock (the catalogue flow registers
// goods later), and the demand's track-number field.
func setupOrders(t *testing.T, stock int32, edit ...func(*config.Config)) *bundle {
	t.Helper()
	b := setup(t, setupOpts{edit: func(c *config.Config) {
		c.Orders = &config.Orders{DeliveryID: 3}
		for _, e := range edit {
			e(c)
		}
	}})
	fb, err := fulfillment.NewClient(fulfillment.Config{BaseURL: b.fb.URL(), PartnerID: "partner", Password: "secret"})
	require.NoError(t, err)
	require.NoError(t, fb.RegisterGoods(b.ctx, fulfillment.Good{GoodID: "KT-1700", GoodName: "Чайник"}, fulfillment.Good{GoodID: "MG-350", GoodName: "Кружка"}))
	for _, g := range []string{"KT-1700", "MG-350"} {
		b.fb.AddStock(g, stock, 0)
	}
	b.ms.AddAttribute(moysklad.TypeDemand, "Трек-номер", moysklad.AttributeString)
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
	}, 10*time.Second, 20*time.Millisecond)
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
func (b *bundle) outdocLocked(t *testing.T, id int64) {
	t.Helper()
	require.Eventually(t, func() bool { h, _ := b.fb.Outdoc(id); return h.Locked }, 10*time.Second, 20*time.Millisecond)
}

func TestOrderShippedWhole(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	doc, id := b.submitOrder(t, "00051", line{b.p.kettle, 2}, line{b.p.mug, 1})
	require.Equal(t, "00051", id, "the order_id is the order's number (no prefix configured)")
	d := b.waitStatus(t, co, doc.ID, "Передан на склад")
	require.Contains(t, lastLine(t, d), " Передан на склад БетаПРО: заказ 00051, 3 шт., служба доставки «СДЭК»")

	o, stage, ok := b.fb.Order(id)
	require.True(t, ok)
	require.Equal(t, "pool", stage)
	require.Equal(t, int32(3), o.DeliveryID)
	require.Len(t, o.Goods, 3, "one unit per line")
	require.Equal(t, fulfillment.OrderGood{GoodID: "KT-1700", DeclaredValue: 1500, COD: 1500, VATRate: o.Goods[0].VATRate}, o.Goods[0])
	require.Equal(t, &fulfillment.OrderClient{Name: buyer.Name, Phone: buyer.Phone, Email: buyer.Email}, o.Client)
	require.Equal(t, "Новосибирск", o.Address.City)
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
