package config_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
)

func TestShipmentDefaultsAndOverrides(t *testing.T) {
	t.Parallel()
	c, err := config.Parse([]byte(sample), fullEnv)
	require.NoError(t, err)
	require.Equal(t, []string{"demand", "purchasereturn", "move"}, c.Shipment.Documents)
	require.False(t, c.Shipment.DefectiveReturns)
	require.Equal(t, []string{"Собирается", "Собран", "Отгружен", "Ошибка отгрузки"},
		[]string{c.Statuses.Picking, c.Statuses.Picked, c.Statuses.Shipped, c.Statuses.ShipFailed})

	c, err = config.Parse([]byte(sample+"  shipped: \"Отгружено складом\"\nshipment: { documents: [purchasereturn], defective_returns: true }\n"), fullEnv)
	require.NoError(t, err)
	require.Equal(t, []string{"purchasereturn"}, c.Shipment.Documents)
	require.True(t, c.Shipment.DefectiveReturns)
	require.Equal(t, "Отгружено складом", c.Statuses.Shipped)

	_, err = config.Parse([]byte(sample+"shipment: { documents: [supply] }\n"), fullEnv)
	require.ErrorContains(t, err, `shipment.documents[0]: "supply" is not a shipment document type (demand, purchasereturn, move)`)
}
