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
	require.Equal(t, []string{"supply", "move", "demand", "customerorder"}, flows.DocumentTypes(c))

	c.CDEK = nil
	require.Equal(t, []string{"supply", "move", "customerorder"}, flows.DocumentTypes(c), "customer orders without CDEK")
	require.NotEmpty(t, flows.Statuses(c)[moysklad.TypeCustomerOrder])
}
