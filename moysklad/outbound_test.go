package moysklad_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

// customerOrder is an order of p1 × 3 (1000 kopecks, 10 % off, 3 reserved)
// and p2 × 2 (500 kopecks), to be delivered to an address, sold through a
// sales channel.
func (b *bundle) customerOrder(t *testing.T) moysklad.Document {
	t.Helper()
	buyer := b.srv.AddCounterparty(moyskladtest.CounterpartySpec{Name: "Иван Петров", Phone: "+79001234567", Email: "ivan@example.ru"})
	ch := b.srv.AddSalesChannel("Сайт", "site")
	o, err := b.srv.CreateDocument(moysklad.TypeCustomerOrder, moyskladtest.DocumentSpec{Name: "42", Agent: buyer.ID, Store: b.store.ID,
		SalesChannel:    ch.ID(),
		ShipmentAddress: &moysklad.Address{PostalCode: "125009", City: "Москва", Street: "Тверская", House: "1", Apartment: "5"},
		Positions: []moyskladtest.PositionSpec{{ProductID: b.p1.ID, Quantity: 3, Price: 1000, Discount: 10, Reserve: 3},
			{ProductID: b.p2.ID, Quantity: 2, Price: 500}}})
	require.NoError(t, err)
	return o
}

func TestCustomerOrderFieldsTheOutboundFlowsRead(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.customerOrder(t)
	got, err := b.client.GetDocument(b.ctx, moysklad.TypeCustomerOrder, o.ID, "agent", "positions.assortment", "state", "salesChannel")
	require.NoError(t, err)
	// spec customerOrder.yaml: shipmentAddress, shipmentAddressFull, salesChannel, agent (expanded counterparty).
	require.Equal(t, "Москва", got.ShipmentAddressFull.City)
	require.Contains(t, got.ShipmentAddress, "Тверская")
	require.Equal(t, "+79001234567", got.Agent.Phone)
	require.Equal(t, "ivan@example.ru", got.Agent.Email)
	require.Equal(t, "Иван Петров", got.Agent.Name)
	require.Equal(t, "site", got.SalesChannel.Code, "expanded: its code tells the shop")
	require.Equal(t, "Сайт", got.SalesChannel.Name)
	require.NotEmpty(t, got.Organization.EntityID())
	require.Empty(t, got.Demands)
	// customerOrderPosition.yaml: price in kopecks, discount in percent, vat, reserve.
	line := got.Rows()[0]
	require.Equal(t, 1000.0, line.Price())
	require.Equal(t, 10.0, line.Discount())
	require.Equal(t, 900.0, line.NetPrice())
	require.Equal(t, 20, line.VAT())
	require.Equal(t, 3.0, line.Reserve())
	require.Equal(t, 0.0, line.Shipped())
	require.Equal(t, 3700.0, got.Sum(), "3 × 900 + 2 × 500")
	require.Equal(t, 2700.0, got.ReservedSum())
}

func TestDemandCreatedFromOrderIsLinkedPostedAndUnposted(t *testing.T) {
	t.Parallel()
	b := setup(t, moyskladtest.Options{CheckShippingStock: true})
	require.NoError(t, b.srv.SetStock(b.store.ID, b.p1.ID, 10))
	o := b.customerOrder(t)
	track, err := b.client.CreateAttribute(b.ctx, moysklad.TypeDemand, moysklad.Attribute{Name: "Трек-номер", Type: moysklad.AttributeString})
	require.NoError(t, err)

	// demand-new.yaml: the template on the order; the positions replaced by
	// what was really shipped (2 of p1, p2 short), a custom field written.
	tpl, err := b.client.Template(b.ctx, moysklad.TypeDemand, &moysklad.Ref{Meta: o.Meta})
	require.NoError(t, err)
	shipped := tpl.Rows()[0]
	shipped.Quantity = 2
	tpl.Positions.Rows = []moysklad.Position{shipped}
	tpl.Attributes = []moysklad.Attribute{track.WithValue("CDEK-1234567")}
	tpl.Applicable = true
	syncID := moysklad.SyncID("fbox", "orders_shipment", "42")
	d, err := b.client.Create(b.ctx, moysklad.TypeDemand, *tpl, syncID, "positions")
	require.NoError(t, err)
	require.True(t, d.Applicable)
	require.Equal(t, o.ID, d.CustomerOrder.ID(), "demand.yaml: customerOrder")
	require.Len(t, d.Rows(), 1)
	require.Equal(t, 900.0, d.Rows()[0].NetPrice(), "the order's price and discount carried over")
	require.Equal(t, "CDEK-1234567", d.Attributes[0].Value)
	require.Equal(t, 8.0, b.srv.Stock(b.store.ID, b.p1.ID), "posted: stock taken")

	order, err := b.client.GetDocument(b.ctx, moysklad.TypeCustomerOrder, o.ID, "positions")
	require.NoError(t, err)
	require.Len(t, order.Demands, 1, "customerOrder.yaml: demands")
	require.Equal(t, 2.0, order.Rows()[0].Shipped())
	require.Equal(t, 1800.0, order.ShippedSum())
	linked, err := b.client.LinkedDemands(b.ctx, order, "positions")
	require.NoError(t, err)
	require.Len(t, linked, 1)
	require.Equal(t, d.ID, linked[0].ID)

	off := false
	d, err = b.client.UpdateDocument(b.ctx, moysklad.TypeDemand, d.ID, moysklad.DocumentUpdate{Applicable: &off})
	require.NoError(t, err)
	require.False(t, d.Applicable)
	require.Equal(t, 10.0, b.srv.Stock(b.store.ID, b.p1.ID), "un-posted: stock back")
	order, err = b.client.GetDocument(b.ctx, moysklad.TypeCustomerOrder, o.ID, "positions")
	require.NoError(t, err)
	require.Equal(t, 0.0, order.Rows()[0].Shipped())
}

func TestShipmentBelowStockIsRefusedAndNotCreated(t *testing.T) {
	t.Parallel()
	b := setup(t, moyskladtest.Options{CheckShippingStock: true})
	require.NoError(t, b.srv.SetStock(b.store.ID, b.p1.ID, 2))
	o := b.customerOrder(t) // p1 × 3: one more than in stock
	tpl, err := b.client.Template(b.ctx, moysklad.TypeDemand, &moysklad.Ref{Meta: o.Meta})
	require.NoError(t, err)
	tpl.Positions.Rows = tpl.Rows()[:1]
	tpl.Applicable = true
	syncID := moysklad.SyncID("fbox", "orders_shipment", "43")
	_, err = b.client.Create(b.ctx, moysklad.TypeDemand, *tpl, syncID)
	var ae *moysklad.APIError
	require.True(t, errors.As(err, &ae), "%v", err)
	require.Equal(t, 412, ae.Status)
	require.False(t, ae.Temporary(), "a refusal, not a hiccup")
	require.Contains(t, err.Error(), "недостаточно товара")
	found, err := b.client.FindBySyncID(b.ctx, moysklad.TypeDemand, syncID)
	require.NoError(t, err)
	require.Nil(t, found, "nothing was created")

	// Created as a draft it is saved; posting it by PUT meets the same check.
	tpl.Applicable = false
	d, err := b.client.Create(b.ctx, moysklad.TypeDemand, *tpl, syncID)
	require.NoError(t, err)
	on := true
	_, err = b.client.UpdateDocument(b.ctx, moysklad.TypeDemand, d.ID, moysklad.DocumentUpdate{Applicable: &on})
	require.True(t, errors.As(err, &ae) && ae.Status == 412, "%v", err)
	require.Equal(t, 2.0, b.srv.Stock(b.store.ID, b.p1.ID))
}

func TestNewLinesCarryPriceDiscountAndVAT(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d := b.supply(t)
	line := moysklad.NewPosition(b.p2.Meta, 4)
	line.SetPrice(12345)
	line.SetDiscount(5)
	line.SetVAT(10)
	rows := append(d.Rows(), line)
	got, err := b.client.UpdateDocument(b.ctx, moysklad.TypeSupply, d.ID, moysklad.DocumentUpdate{Positions: &rows}, "positions")
	require.NoError(t, err)
	require.Len(t, got.Rows(), 3)
	added := got.Rows()[2]
	require.Equal(t, 12345.0, added.Price())
	require.Equal(t, 5.0, added.Discount())
	require.Equal(t, 10, added.VAT())
	require.Equal(t, 1000.0, got.Rows()[0].Price(), "lines read are written back unchanged")
}

func TestDeleteDocumentTwiceIsNotAnError(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d := b.supply(t)
	require.NoError(t, b.client.DeleteDocument(b.ctx, moysklad.TypeSupply, d.ID))
	_, err := b.client.GetDocument(b.ctx, moysklad.TypeSupply, d.ID)
	require.ErrorIs(t, err, moysklad.ErrNotFound)
	require.NoError(t, b.client.DeleteDocument(b.ctx, moysklad.TypeSupply, d.ID), "a retried delete finds it gone")
}

func TestCompanySettingsSayWhetherShippingStockIsChecked(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cs, err := b.client.CompanySettings(b.ctx)
	require.NoError(t, err)
	require.False(t, cs.CheckShippingStock, "a new account does not check")
	b.srv.SetCheckShippingStock(true)
	cs, err = b.client.CompanySettings(b.ctx)
	require.NoError(t, err)
	require.True(t, cs.CheckShippingStock)
}

func TestModelledLinksAreStillReadRaw(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.customerOrder(t)
	got, err := b.client.GetDocument(b.ctx, moysklad.TypeCustomerOrder, o.ID, "salesChannel")
	require.NoError(t, err)
	raw, ok := got.Extra("salesChannel")
	require.True(t, ok, "code written before salesChannel was typed reads it raw")
	require.Contains(t, string(raw), `"name":"Сайт"`)
	_, ok = got.Extra("organization")
	require.True(t, ok)
	_, ok = got.Extra("customerOrder")
	require.False(t, ok, "an order has no customerOrder")
}
