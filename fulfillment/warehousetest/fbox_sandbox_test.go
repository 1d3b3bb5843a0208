package warehousetest_test

import (
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/warehousetest"
)

// TestFBoxSandbox runs the suite against a real FBox account named by
// FBOX_SANDBOX_URL, FBOX_SANDBOX_PARTNER_ID and FBOX_SANDBOX_PASSWORD.
// Nothing can make a real warehouse act on cue, so the driver's subtests
// are skipped.
func TestFBoxSandbox(t *testing.T) {
	url, partner, password := os.Getenv("FBOX_SANDBOX_URL"), os.Getenv("FBOX_SANDBOX_PARTNER_ID"), os.Getenv("FBOX_SANDBOX_PASSWORD")
	if url == "" || partner == "" || password == "" {
		t.Skip("set FBOX_SANDBOX_URL, FBOX_SANDBOX_PARTNER_ID and FBOX_SANDBOX_PASSWORD to run the suite against a real FBox account")
	}
	// One client for every subtest: FBox takes one request at a time per
	// partner, and the client queues its calls.
	client := sync.OnceValues(func() (*fulfillment.Client, error) {
		return fulfillment.NewClient(fulfillment.Config{BaseURL: url, PartnerID: partner, Password: password})
	})
	warehousetest.Exercise(t, warehousetest.Features{}, func(t *testing.T) warehousetest.Harness {
		c, err := client()
		require.NoError(t, err)
		return warehousetest.Harness{Warehouse: c}
	})
}
