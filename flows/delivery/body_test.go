package delivery

import (
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
