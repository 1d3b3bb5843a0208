package orders

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/catalogue"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
)

// orderDoc is a customer order as MoySklad answers it with state,
// positions.assortment and agent expanded.
const orderDoc = `{
  "meta": {"href": "https://api.moysklad.ru/api/remap/1.2/entity/customerorder/c1", "type": "customerorder"},
  "id": "c1", "name": "00017", "sum": 460000, "payedSum": 0, "vatEnabled": true,
  "organization": {"meta": {"href": "https://api.moysklad.ru/api/remap/1.2/entity/organization/org-1", "type": "organization"}},
  "salesChannel": {"meta": {"href": "https://api.moysklad.ru/api/remap/1.2/entity/saleschannel/ch-2", "type": "saleschannel"}, "name": "Маркет 2"},
  "agent": {"meta": {"href": "https://api.moysklad.ru/api/remap/1.2/entity/counterparty/a1", "type": "counterparty"},
            "name": "Иванов Иван", "phone": "+79001234567", "email": "ivan@example.ru"},
  "shipmentAddress": "101000, г Москва, ул. Мясницкая, д 1, кв 5",
  "shipmentAddressFull": {"postalCode": "101000", "city": "Москва", "street": "ул. Мясницкая", "house": "1", "apartment": "5"},
  "attributes": [
    {"meta": {"href": "x", "type": "attributemetadata"}, "name": "Служба доставки склада", "type": "string", "value": "12"},
    {"meta": {"href": "y", "type": "attributemetadata"}, "name": "Пункт выдачи", "type": "string", "value": "PVZ-77"}
  ],
  "positions": {"meta": {"href": "p", "type": "customerorderposition"}, "rows": [
    {"id": "r1", "quantity": 2, "price": 150000, "discount": 10, "vat": 20, "vatEnabled": true,
     "assortment": {"meta": {"href": "https://api.moysklad.ru/api/remap/1.2/entity/product/p1", "type": "product"}, "name": "Чайник", "article": "KET-1"}},
    {"id": "r2", "quantity": 1, "price": 190000, "discount": 0, "vat": 0, "vatEnabled": true,
     "assortment": {"meta": {"href": "https://api.moysklad.ru/api/remap/1.2/entity/variant/v1", "type": "variant"}, "name": "Кружка (синяя)", "code": "MUG-B"}},
    {"id": "r3", "quantity": 1, "price": 30000, "discount": 0, "vat": 20, "vatEnabled": true,
     "assortment": {"meta": {"href": "https://api.moysklad.ru/api/remap/1.2/entity/service/s1", "type": "service"}, "name": "Доставка", "code": "DLV"}}
  ]}
}`

func parseDoc(t *testing.T, s string) *moysklad.Document {
	t.Helper()
	var d moysklad.Document
	require.NoError(t, json.Unmarshal([]byte(s), &d))
	return &d
}

var skus = moysklad.SKUFields{Product: moysklad.SKUArticle, Variant: moysklad.SKUCode}.Of

// prepared is what the catalogue makes of orderDoc: 2 kettles at 1500 ₽
// −10%, a mug, the delivery service left out (or sent, with services).
func prepared(services bool) *catalogue.Prepared {
	p := &catalogue.Prepared{Items: []catalogue.Item{
		{GoodID: "KET-1", Quantity: 2, Price: 135000, Position: 0},
		{GoodID: "MUG-B", Quantity: 1, Price: 190000, Position: 1},
	}, Services: []int{2}}
	if services {
		p.Items, p.Services = append(p.Items, catalogue.Item{GoodID: "DLV", Quantity: 1, Price: 30000, Position: 2, Service: true}), nil
	}
	return p
}

func TestBuildOrderOneUnitPerLine(t *testing.T) {
	t.Parallel()
	d := parseDoc(t, orderDoc)
	o, notes, problems := buildOrder(d, orderSpec{OrderID: "S2-00017", DeliveryID: 12, OwnerdepID: 3, PickupPoint: "PVZ-77"}, prepared(false))
	require.Nil(t, problems)
	require.Equal(t, []string{"услуги на склад не передаются: «Доставка»"}, notes)
	vat20, vat0 := 20, 0
	kettle := fulfillment.OrderGood{GoodID: "KET-1", DeclaredValue: 1350, COD: 1350, VATRate: &vat20} // 1500 ₽ − 10%
	mug := fulfillment.OrderGood{GoodID: "MUG-B", DeclaredValue: 1900, COD: 1900, VATRate: &vat0}
	require.Equal(t, []fulfillment.OrderGood{kettle, kettle, mug}, o.Goods, "2 units of a line are 2 lines")
	require.Equal(t, &fulfillment.OrderClient{Name: "Иванов Иван", Phone: "+79001234567", Email: "ivan@example.ru"}, o.Client)
	require.Equal(t, &fulfillment.OrderAddress{Zip: "101000", City: "Москва", Street: "ул. Мясницкая", House: "1, кв. 5"}, o.Address)
	require.Equal(t, &fulfillment.OrderDelivery{PickpointID: "PVZ-77"}, o.Delivery)
	require.Equal(t, &fulfillment.OrderControl{OwnerdepID: 3}, o.Control)
	require.NoError(t, o.Validate())

	o, notes, problems = buildOrder(d, orderSpec{OrderID: "x", DeliveryID: 1}, prepared(true))
	require.Nil(t, problems)
	require.Empty(t, notes)
	require.Len(t, o.Goods, 4)
	require.Equal(t, "DLV", o.Goods[3].GoodID, "a service sent as a line")
	require.Nil(t, o.Control, "no shop, no ownerdep")
}

func TestBuildOrderPaidHasNoCOD(t *testing.T) {
	t.Parallel()
	d := parseDoc(t, orderDoc)
	raw := map[string]any{}
	require.NoError(t, json.Unmarshal([]byte(orderDoc), &raw))
	raw["payedSum"] = raw["sum"]
	b, _ := json.Marshal(raw)
	d = parseDoc(t, string(b))
	o, _, problems := buildOrder(d, orderSpec{OrderID: "x", DeliveryID: 1}, prepared(false))
	require.Nil(t, problems)
	for _, g := range o.Goods {
		require.Zero(t, g.COD, g.GoodID)
		require.Positive(t, g.DeclaredValue, g.GoodID)
	}
}

func TestBuildOrderProblemsNameTheLine(t *testing.T) {
	t.Parallel()
	d := parseDoc(t, orderDoc)
	_, _, problems := buildOrder(d, orderSpec{OrderID: "5", DeliveryID: 1}, &catalogue.Prepared{Items: []catalogue.Item{
		{GoodID: "KET-1", Quantity: 20000, Price: 100, Position: 0}}})
	require.EqualError(t, problems, "стр. 1: KET-1: 20000 шт. в одном заказе — это не посылка, передайте отгрузкой")
	_, _, problems = buildOrder(d, orderSpec{OrderID: "5", DeliveryID: 1}, &catalogue.Prepared{Services: []int{2}})
	require.EqualError(t, problems, "в заказе только услуги, товаров для склада нет")
}

func TestShopDeliveryAndOrderID(t *testing.T) {
	t.Parallel()
	d := parseDoc(t, orderDoc)
	shops := []config.Shop{{Organization: "org-9", OrderPrefix: "A-"}, {SalesChannel: "Маркет 2", OrderPrefix: "M2-", OwnerdepID: 3}}
	s, ok := shopOf(d, shops)
	require.True(t, ok)
	require.Equal(t, "M2-", s.OrderPrefix, "matched by the expanded sales channel's name")
	s, ok = shopOf(d, []config.Shop{{Organization: "org-1", OrderPrefix: "O-"}})
	require.True(t, ok, "matched by the organization's id")
	require.Equal(t, "O-", s.OrderPrefix)
	_, ok = shopOf(d, []config.Shop{{Organization: "org-2", OrderPrefix: "O-"}})
	require.False(t, ok)

	id, p := deliveryOf(d, config.Orders{DeliveryID: 5, DeliveryAttribute: "Служба доставки склада"})
	require.Nil(t, p)
	require.Equal(t, int32(12), id, "the order's custom field wins")
	id, p = deliveryOf(d, config.Orders{DeliveryID: 5, DeliveryAttribute: "Нет такого поля"})
	require.Nil(t, p)
	require.Equal(t, int32(5), id)
	require.Equal(t, "PVZ-77", attribute(d, "Пункт выдачи"))

	require.Equal(t, "M2-00017", orderID("M2-", "00017", 1))
	require.Equal(t, "M2-00017-2", orderID("M2-", "00017", 2))
}
