package service_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/cdek/cdektest"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

// officeTariff configures tariff 136 (склад-склад): from the MSK1 office
// to the pickup point staff write on the document.
func officeTariff(c *config.Config) { c.CDEK.TariffCode = 136 }

// setPickupPoint fills the pickup point custom field as staff would; setup
// created the field.
func (b *bundle) setPickupPoint(t *testing.T, id, code string) {
	t.Helper()
	attrs, err := b.svc.MoySklad.Attributes(b.ctx, moysklad.TypeDemand)
	require.NoError(t, err)
	for _, a := range attrs {
		if a.Name == "Пункт выдачи СДЭК" {
			_, err = b.svc.MoySklad.UpdateDocument(b.ctx, moysklad.TypeDemand, id, moysklad.DocumentUpdate{Attributes: []moysklad.Attribute{a.WithValue(code)}})
			require.NoError(t, err)
			return
		}
	}
	t.Fatal("setup did not create the custom field «Пункт выдачи СДЭК»")
}

// setDiscount gives every line of a document a discount in percent.
func (b *bundle) setDiscount(t *testing.T, id string, percent float64) {
	t.Helper()
	d, err := b.svc.MoySklad.GetDocument(b.ctx, moysklad.TypeDemand, id, "positions")
	require.NoError(t, err)
	rows := make([]moysklad.Position, 0, len(d.Rows()))
	for _, p := range d.Rows() {
		raw, err := json.Marshal(p.ForWrite())
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(raw, &m))
		m["discount"] = percent
		raw, err = json.Marshal(m)
		require.NoError(t, err)
		var out moysklad.Position
		require.NoError(t, json.Unmarshal(raw, &out))
		rows = append(rows, out)
	}
	_, err = b.svc.MoySklad.UpdateDocument(b.ctx, moysklad.TypeDemand, id, moysklad.DocumentUpdate{Positions: &rows})
	require.NoError(t, err)
}

// Tariff 136 goes to a pickup point: delivery_point from the document's
// custom field, no to_location (cdek.md §3.1). A missing point is named
// before CDEK is called; a refused one, then fixed, is a new order whose
// number keeps its -2 within CDEK's 40 characters.
func TestCDEKPickupPointTariff(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t, cdektest.Options{}, officeTariff)

	none := b.demand(t, "00130", buyer, line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeDemand, none.ID, "Передать в СДЭК")
	d := b.waitStatus(t, moysklad.TypeDemand, none.ID, "Ошибка СДЭК")
	require.Contains(t, lastLine(t, d), "не указан пункт выдачи СДЭК (доп. поле «Пункт выдачи СДЭК»)")
	require.NotContains(t, lastLine(t, d), "адрес", "a pickup point tariff needs no address")
	require.Equal(t, 0, b.cd.Creates())

	name := "Отгрузка интернет-магазина для Иванова Ивана 00131"
	doc := b.demand(t, name, buyer, line{b.p.kettle, 2})
	b.setPickupPoint(t, doc.ID, "XXX1")
	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Передать в СДЭК")
	d = b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Ошибка СДЭК")
	require.Contains(t, lastLine(t, d), "Пункт выдачи XXX1 не найден (delivery_location_is_not_recognized)")
	first := b.row(t, moysklad.TypeDemand, doc.ID).Delivery.OrderNumber
	require.Len(t, first, 40)

	b.setPickupPoint(t, doc.ID, " NSK1 ")
	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Передать в СДЭК")
	b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Передан в СДЭК")
	row := b.row(t, moysklad.TypeDemand, doc.ID)
	require.NotEqual(t, first, row.Delivery.OrderNumber, "CDEK keeps the refused number")
	require.True(t, strings.HasSuffix(row.Delivery.OrderNumber, "-2"), row.Delivery.OrderNumber)
	require.LessOrEqual(t, len(row.Delivery.OrderNumber), 40)
	got := b.cd.Body(row.Delivery.OrderUUID)
	require.Equal(t, 136, got.TariffCode)
	require.Equal(t, "MSK1", got.ShipmentPoint)
	require.Equal(t, "NSK1", got.DeliveryPoint)
	require.Nil(t, got.ToLocation, "delivery_point excludes to_location")
}

// The recipient's phone goes in international format whatever staff
// typed; a phone that is no number is named before CDEK is called.
func TestCDEKPhoneNormalised(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t, cdektest.Options{})
	doc := b.demand(t, "00132", moyskladtest.CounterpartySpec{Name: "Сидоров Сидор", Phone: "8 (912) 345-67-89, доб. 12; +7 999 111 22 33"}, line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Передать в СДЭК")
	b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Передан в СДЭК")
	got := b.cd.Body(b.row(t, moysklad.TypeDemand, doc.ID).Delivery.OrderUUID)
	require.Equal(t, "+79123456789", got.Recipient.Phones[0].Number)
	require.Equal(t, "+79991112233", got.Recipient.Phones[1].Number, "a second number in the field goes too")

	bad := b.demand(t, "00133", moyskladtest.CounterpartySpec{Name: "Петров Пётр", Phone: "34-56-78"}, line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeDemand, bad.ID, "Передать в СДЭК")
	d := b.waitStatus(t, moysklad.TypeDemand, bad.ID, "Ошибка СДЭК")
	require.Contains(t, lastLine(t, d), "у контрагента «Петров Пётр» телефон «34-56-78» не подходит СДЭК")
	require.Equal(t, 1, b.cd.Creates())
}

// The declared value of a line is its price after the line's discount
// (MoySklad: price in kopecks, discount in percent).
func TestCDEKDeclaredValueAfterDiscount(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t, cdektest.Options{})
	doc := b.demand(t, "00134", buyer, line{b.p.kettle, 2}, line{b.p.mug, 1})
	b.setDiscount(t, doc.ID, 10)
	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Передать в СДЭК")
	b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Передан в СДЭК")
	got := b.cd.Body(b.row(t, moysklad.TypeDemand, doc.ID).Delivery.OrderUUID)
	require.Equal(t, 1350.0, got.Packages[0].Items[0].Cost, "1500 ₽ less 10 %")
	require.Equal(t, 1350.0, got.Packages[0].Items[1].Cost)
}
