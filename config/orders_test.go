package config_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
)

const ordersBase = `
public_url: "https://x.ru"
moysklad: { token: t, webhook_secret: "0123456789abcdef" }
warehouses: [{ name: a, store: b, fbox: { partner_id: p, password: q } }]
`

func TestOrdersDefaults(t *testing.T) {
	t.Parallel()
	c, err := config.Parse([]byte(ordersBase+`
orders:
  delivery_id: 7
  shops:
    - { sales_channel: "Маркет 2", order_prefix: "S2-", ownerdep_id: 12 }
`), fullEnv)
	require.NoError(t, err)
	o := c.Orders
	require.NotNil(t, o)
	require.Equal(t, int32(7), o.DeliveryID)
	require.Equal(t, config.ServicesDrop, o.Services)
	require.Equal(t, "Пункт выдачи", o.PickupPointAttribute)
	require.Equal(t, "Трек-номер", o.TrackAttribute)
	require.Equal(t, []config.Shop{{SalesChannel: "Маркет 2", OrderPrefix: "S2-", OwnerdepID: 12}}, o.Shops)
	s := c.Statuses
	require.Equal(t, []string{"Передать на склад", "Передан на склад", "Собирается", "Нет товара", "Отгружен", "Отгружен частично", "Отменяется"},
		[]string{s.OrderSubmit, s.OrderSubmitted, s.Picking, s.Deficit, s.Shipped, s.ShippedPartly, s.Cancelling})
	require.Equal(t, "Передать", s.Submit, "the inbound keys keep their defaults")

	none, err := config.Parse([]byte(ordersBase), fullEnv)
	require.NoError(t, err)
	require.Nil(t, none.Orders, "no orders section, no customer-order flow")
}

func TestOrdersErrorsNameTheKey(t *testing.T) {
	t.Parallel()
	for yaml, want := range map[string]string{
		`orders: { services: drop }`:                                                                                              "orders.delivery_id: required unless orders.delivery_attribute",
		`orders: { delivery_id: 1, services: keep }`:                                                                              `orders.services: must be drop or send, got "keep"`,
		`orders: { delivery_id: 1, shops: [{ order_prefix: "A-" }] }`:                                                             "orders.shops[0]: give exactly one of sales_channel and organization",
		`orders: { delivery_id: 1, shops: [{ organization: "ООО", sales_channel: "x", order_prefix: "A-" }] }`:                    "orders.shops[0]: give exactly one",
		`orders: { delivery_id: 1, shops: [{ organization: "ООО" }] }`:                                                            "orders.shops[0].order_prefix: required",
		`orders: { delivery_id: 1, shops: [{ organization: "A", order_prefix: "X" }, { organization: "B", order_prefix: "X" }] }`: `orders.shops[1].order_prefix: "X" is used by another shop`,
		`orders: { delivery_id: 1, unknown_key: 1 }`:                                                                              "field unknown_key not found",
	} {
		_, err := config.Parse([]byte(ordersBase+yaml+"\n"), fullEnv)
		require.ErrorContains(t, err, want, yaml)
	}
	_, err := config.Parse([]byte(ordersBase+"orders: { delivery_attribute: \"Служба доставки\" }\n"), fullEnv)
	require.NoError(t, err, "a delivery custom field is enough")
}
