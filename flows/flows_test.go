package flows_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/flows"
	"github.com/skladflow/skladflow/moysklad"
)

func TestOrdersStatusesJoinTheCDEKOnes(t *testing.T) {
	t.Parallel()
	c := &config.Config{CDEK: &config.CDEK{TariffCode: 137}, Orders: &config.Orders{DeliveryID: 3}}
	c.SetDefaults()
	st := flows.Statuses(c)
	var names []string
	for _, s := range st[moysklad.TypeCustomerOrder] {
		names = append(names, s.Name)
	}
	for _, want := range []string{"Передать в СДЭК", "Передать на склад", "Собирается", "Нет товара", "Отгружен частично", "Отменяется", "Отменить"} {
		require.Contains(t, names, want)
	}
	seen := map[string]bool{}
	for _, n := range names {
		require.False(t, seen[n], "%s twice", n)
		seen[n] = true
	}
	require.Equal(t, []string{"supply", "move", "demand", "purchasereturn", "customerorder"}, flows.DocumentTypes(c))

	c.CDEK = nil
	require.Equal(t, []string{"supply", "move", "demand", "purchasereturn", "customerorder"}, flows.DocumentTypes(c), "customer orders without CDEK")
	require.NotEmpty(t, flows.Statuses(c)[moysklad.TypeCustomerOrder])
}

// A demand may be shipped by the warehouse or handed to CDEK, a move
// received or shipped: each type gets every status of its flows, once.
func TestShipmentStatusesJoinTheOthers(t *testing.T) {
	t.Parallel()
	c := &config.Config{CDEK: &config.CDEK{TariffCode: 137}}
	c.SetDefaults()
	st := flows.Statuses(c)
	names := func(typ string) []string {
		var out []string
		for _, s := range st[typ] {
			out = append(out, s.Name)
		}
		return out
	}
	for typ, want := range map[string][]string{
		moysklad.TypeDemand:         {"Передать", "Передан", "Собирается", "Собран", "Отгружен", "Ошибка отгрузки", "Передать в СДЭК", "Отменить"},
		moysklad.TypeMove:           {"Передать", "Принимается", "Проведён", "Собирается", "Собран", "Отгружен", "Ошибка отгрузки"},
		moysklad.TypePurchaseReturn: {"Передать", "Передан", "Собирается", "Собран", "Отгружен", "Ошибка отгрузки", "Отменён"},
	} {
		got := names(typ)
		for _, w := range want {
			require.Contains(t, got, w, typ)
		}
		seen := map[string]bool{}
		for _, n := range got {
			require.False(t, seen[n], "%s: %s twice", typ, n)
			seen[n] = true
		}
	}
	require.NotContains(t, names(moysklad.TypeSupply), "Отгружен")
}
