package moysklad_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

// A user token's request takes 4 units of the 45-unit bucket from
// 2026-12-01 (moysklad.md §5.3). Five parallel workers paced in units get
// no 429; configured for 3, the client learns the 4 from
// X-RateLimit-Remaining, and only requests sent before it knew can meet a
// 429.
func TestPacedInUnits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ cost, max429 int }{{4, 0}, {3, 1}} {
		srv, c := unitsSetup(t, 4, tc.cost)
		work(t, c, srv)
		s := c.Stats()
		require.Equal(t, 4, s.RequestUnits)
		require.True(t, s.RequestUnitsSeen)
		require.LessOrEqual(t, srv.RateLimited(), tc.max429, "configured cost %d", tc.cost)
	}
}

// unitsSetup runs the bucket at half MoySklad's 3 s: a shorter interval
// makes a loaded machine's scheduling jitter bunch paced requests into a
// burst the emulator refuses.
func unitsSetup(t *testing.T, weight, cost int) (*moyskladtest.Server, *moysklad.Client) {
	t.Helper()
	srv := moyskladtest.NewServer(moyskladtest.Options{RateLimit: 45, RateInterval: 1500 * time.Millisecond, RequestWeight: weight})
	t.Cleanup(srv.Close)
	c, err := moysklad.NewClient(moysklad.Config{BaseURL: srv.URL(), Token: srv.Token(), RequestCost: cost,
		RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 200 * time.Millisecond})
	require.NoError(t, err)
	return srv, c
}

// work runs two requests alone, then five workers of eight.
func work(t *testing.T, c *moysklad.Client, srv *moyskladtest.Server) {
	t.Helper()
	store := srv.AddStore("Склад")
	// Two requests alone show the weight.
	for range 2 {
		_, err := c.FindStores(t.Context(), store.Name)
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			for range 8 {
				_, err := c.FindStores(t.Context(), store.Name)
				require.NoError(t, err)
			}
		})
	}
	wg.Wait()
}
