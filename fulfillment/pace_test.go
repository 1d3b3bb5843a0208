package fulfillment_test

import (
	"strings"
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

// With a quota share the client reads the quotas once (GET /settings) and
// spends at most its share: the warehouse never has to ask it to slow
// down, and the rest of the quota stays for the account's other systems.
func TestQuotaShareKeepsTheBucketFromEmptying(t *testing.T) {
	t.Parallel()
	srv := fboxtest.NewServer(fboxtest.Options{RateLimit: 600}) // 10 a second, 600 at once
	t.Cleanup(srv.Close)
	c, err := fulfillment.NewClient(fulfillment.Config{BaseURL: srv.URL(), PartnerID: "partner", Password: "secret", QuotaShare: 0.05})
	require.NoError(t, err)
	for range 33 { // a share of 30 at once, then one every 2 s
		_, err := c.ListOutdocs(t.Context(), fulfillment.OutdocFilter{})
		require.NoError(t, err)
	}
	st := c.Stats()
	require.Positive(t, st.BudgetWaits)
	require.Zero(t, st.PacedWaits, "the warehouse never asked for a pause")
	require.Zero(t, st.RateLimited)
	settings := 0
	for _, r := range srv.Requests() {
		if r.Method == "GET" && strings.HasSuffix(r.Path, "/settings") {
			settings++
		}
	}
	require.Equal(t, 1, settings, "the quotas are read once")

	_, err = fulfillment.NewClient(fulfillment.Config{BaseURL: srv.URL(), PartnerID: "partner", Password: "secret", QuotaShare: 1.5})
	require.ErrorContains(t, err, "QuotaShare")
}
