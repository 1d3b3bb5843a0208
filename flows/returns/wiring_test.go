package returns_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/flows"
	"github.com/skladflow/skladflow/moysklad"
)

// setup creates the returned statuses on customer orders and demands, once.
func TestReturnedStatusesOnOrdersAndDemands(t *testing.T) {
	t.Parallel()
	c := &config.Config{Orders: &config.Orders{DeliveryID: 3}}
	c.SetDefaults()
	st := flows.Statuses(c)
	for _, typ := range []string{moysklad.TypeCustomerOrder, moysklad.TypeDemand} {
		n := 0
		for _, s := range st[typ] {
			if s.Name == "Возврат" || s.Name == "Частичный возврат" {
				n++
			}
		}
		require.Equal(t, 2, n, typ)
	}
	c.Orders = nil
	for _, s := range flows.Statuses(c)[moysklad.TypeDemand] {
		require.NotEqual(t, "Возврат", s.Name, "no orders, no returns")
	}
}
