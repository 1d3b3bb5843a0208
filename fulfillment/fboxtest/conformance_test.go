package fboxtest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/fulfillment/warehousetest"
)

var _ warehousetest.Driver = (*fboxtest.Server)(nil)

// TestConformance runs the port's suite against the emulator over HTTP,
// through the real FBox client, with the emulator as the warehouse's hands.
func TestConformance(t *testing.T) {
	t.Parallel()
	all := warehousetest.Features{Receive: true, Surplus: true, Correct: true, DeleteOutdoc: true, Unknown: true}
	warehousetest.Exercise(t, all, func(t *testing.T) warehousetest.Harness {
		s := setup(t, fboxtest.Options{})
		c, err := fulfillment.NewClient(fulfillment.Config{BaseURL: s.URL(), PartnerID: "partner", Password: "secret",
			RetryWaitMin: time.Millisecond, RetryWaitMax: 10 * time.Millisecond})
		require.NoError(t, err)
		return warehousetest.Harness{Warehouse: c, Driver: s}
	})
}
