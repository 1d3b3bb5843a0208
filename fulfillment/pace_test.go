package fulfillment_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
)

// Once the quota is used up, a successful answer's X-RateLimit-Reset says
// how long to wait (#rl_desc); the client waits before a 429 ever comes,
// so nothing counts against err_qnt.
func TestResetOnSuccessIsHonoured(t *testing.T) {
	t.Parallel()
	srv := fboxtest.NewServer(fboxtest.Options{RateLimit: 60}) // one more per second after 60
	t.Cleanup(srv.Close)
	c, err := fulfillment.NewClient(fulfillment.Config{BaseURL: srv.URL(), PartnerID: "partner", Password: "secret"})
	require.NoError(t, err)
	for range 63 {
		_, err := c.ListOutdocs(t.Context(), fulfillment.OutdocFilter{})
		require.NoError(t, err)
	}
	require.Zero(t, srv.Errors(), "no 429, nothing counted against err_qnt")
	require.Zero(t, c.Stats().RateLimited)
	require.Positive(t, c.Stats().PacedWaits)
}
