package delivery

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

func cdekConfig(t *testing.T) *config.CDEK {
	t.Helper()
	c := &config.Config{CDEK: &config.CDEK{TariffCode: 137, ShipmentPoint: "MSK1"}}
	c.SetDefaults()
	return c.CDEK
}

func TestOrderNumber(t *testing.T) {
	t.Parallel()
	d := &moysklad.Document{Name: "00107"}
	require.Equal(t, "MS-00107", orderNumber(d, 1))
	require.Equal(t, "MS-00107-2", orderNumber(d, 2))
	require.Equal(t, "MS-Otgruzka-Sch-7", orderNumber(&moysklad.Document{Name: "Отгрузка Щ 7"}, 1), "ASCII only; Cyrillic transliterated")
	long := orderNumber(&moysklad.Document{Name: "0123456789012345678901234567890123456789"}, 1)
	require.Len(t, long, 40, "CDEK's number is at most 40 characters")
	second := orderNumber(&moysklad.Document{Name: "0123456789012345678901234567890123456789"}, 2)
	require.Len(t, second, 40)
	require.Equal(t, long[:38]+"-2", second, "the name is cut, never the suffix")
	require.Equal(t, long[:37]+"-12", orderNumber(&moysklad.Document{Name: "0123456789012345678901234567890123456789"}, 12))
}

func TestPhones(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typed string
		want  []string
	}{
		{"+79991234567", []string{"+79991234567"}},
		{"8 (912) 345-67-89", []string{"+79123456789"}},
		{"+7 912 345 67 89", []string{"+79123456789"}},
		{"7-912-345-67-89", []string{"+79123456789"}},
		{"912 345 67 89", []string{"+79123456789"}},
		{"(495) 123-45-67 доб. 12", []string{"+74951234567"}},
		{"8 912 345-67-89, +7 999 111 22 33", []string{"+79123456789", "+79991112233"}},
		{"8 912 345-67-89; 8 912 345-67-89", []string{"+79123456789"}},
		{"34-56-78 / 8 912 345-67-89", []string{"+79123456789"}},
		{"+375 29 123-45-67", []string{"+375291234567"}},
		{"+7 912 345 67 8", nil},
		{"+7 912 345 67 899", nil},
		{"34-56-78", nil},
		{"375291234567", nil},
		{"звонить в WhatsApp", nil},
		{"+7 912 345 67 89 +7 999 111 22 33", nil},
		{"", nil},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, phones(tt.typed), "%q", tt.typed)
	}
}

func TestBuildOrderPickupPoint(t *testing.T) {
	t.Parallel()
	d := moyskladtest.Document(moysklad.TypeDemand, moyskladtest.Position("p1", 1, moyskladtest.Product("a", "A-1", "Чайник")))
	d.Agent = &moysklad.Counterparty{Name: "Иванов Иван", Phone: "8 912 345-67-89"}
	d.ShipmentAddress = "г Москва, ул Тверская, д 1"
	c := cdekConfig(t)
	c.TariffCode, c.TariffMode = 136, config.ModeOfficeOffice
	_, problems := buildOrder(d, "MS-1", c)
	require.EqualError(t, problems, "не указан пункт выдачи СДЭК (доп. поле «Пункт выдачи СДЭК»)")

	d.Attributes = []moysklad.Attribute{{Name: "Пункт выдачи СДЭК", Value: " NSK1\n"}}
	o, problems := buildOrder(d, "MS-1", c)
	require.Nil(t, problems)
	require.Equal(t, "NSK1", o.DeliveryPoint)
	require.Nil(t, o.ToLocation, "delivery_point excludes to_location")
	require.Equal(t, "MSK1", o.ShipmentPoint)
	require.Equal(t, "+79123456789", o.Recipient.Phones[0].Number)

	d.Attributes[0].Value = map[string]any{"name": "SPB7"} // a custom dictionary entry
	o, _ = buildOrder(d, "MS-1", c)
	require.Equal(t, "SPB7", o.DeliveryPoint)
}

func TestDeclaredValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line string
		want float64
	}{
		{`{"quantity": 1, "price": 150000, "discount": 0}`, 1500},
		{`{"quantity": 1, "price": 150000, "discount": 10}`, 1350},
		{`{"quantity": 1, "price": 99999, "discount": 12.5}`, 874.99},
		{`{"quantity": 1, "price": 10000, "discount": -10}`, 110},
		{`{"quantity": 1, "price": 10000}`, 100},
		{`{"quantity": 1}`, 0},
	}
	for _, tt := range tests {
		var p moysklad.Position
		require.NoError(t, json.Unmarshal([]byte(tt.line), &p))
		require.Equal(t, tt.want, declaredValue(p), tt.line)
	}
}

func TestBuildOrderListsEveryProblem(t *testing.T) {
	t.Parallel()
	d := moyskladtest.Document(moysklad.TypeDemand, moyskladtest.Position("p1", 1.5, moyskladtest.Product("a", "A-1", "Чайник")))
	d.Agent = &moysklad.Counterparty{Name: "Иванов Иван"}
	_, problems := buildOrder(d, "MS-1", cdekConfig(t))
	require.EqualError(t, problems, "у контрагента «Иванов Иван» не указан телефон; не указан адрес доставки; "+
		"стр. 1: «Чайник»: количество 1.5, СДЭК принимает целое от 1 до 999")
}

func TestBuildOrderWeights(t *testing.T) {
	t.Parallel()
	heavy := moyskladtest.Product("a", "A-1", "Чайник")
	heavy.Weight = 1.25
	d := moyskladtest.Document(moysklad.TypeDemand, moyskladtest.Position("p1", 2, heavy), moyskladtest.Position("p2", 1, moyskladtest.Product("b", "B-2", "Кружка")))
	d.Agent = &moysklad.Counterparty{Name: "Иванов Иван", Phone: "+79990000000"}
	d.ShipmentAddress = "г Москва, ул Тверская, д 1"
	c := cdekConfig(t)
	o, problems := buildOrder(d, "MS-1", c)
	require.Nil(t, problems)
	require.Equal(t, 2*1250+500, o.Packages[0].Weight, "product weights in kg, the default for a product without one")
	c.WeightUnit = "g"
	o, _ = buildOrder(d, "MS-1", c)
	require.Equal(t, 2*1+500, o.Packages[0].Weight, "1.25 g rounds to 1 g when the account keeps grams")
}
