package fulfillment

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The budget takes its share of both buckets: a burst of the minute's
// share, then its rate; over a day, the day's share.
func TestBudgetShareOfTheQuotas(t *testing.T) {
	t.Parallel()
	b := &budget{share: 0.5}
	t0 := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	require.True(t, b.stale(t0))
	require.Zero(t, b.delay(t0), "no quota known: nothing budgeted")

	b.set(t0, &Quota{Minute: 60, Day: 1440})
	require.False(t, b.stale(t0.Add(time.Minute)))
	for i := range 30 {
		require.Zero(t, b.delay(t0), "request %d within the minute's share", i)
	}
	require.Equal(t, 2*time.Second, b.delay(t0), "then 30 a minute")

	// One every 2 s fits the minute's share; the day's share (720, and 6
	// more an hour) runs out after about 720 requests, then its rate paces.
	accepted, at := 31, t0.Add(2*time.Second)
	var d time.Duration
	for ; accepted < 2000; accepted++ {
		at = at.Add(2 * time.Second)
		if d = b.delay(at); d > 0 {
			break
		}
	}
	require.InDelta(t, 735, accepted, 15, "the day's share")
	require.Greater(t, d, 2*time.Second, "paced by the day's rate, not the minute's")
	require.True(t, b.stale(t0.Add(budgetRefresh)))
}

// A failed read budgets nothing and is tried again after budgetRetry,
// not on every request.
func TestBudgetFailedReadRetriedLater(t *testing.T) {
	t.Parallel()
	b := &budget{share: 0.8}
	t0 := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	b.set(t0, nil)
	require.False(t, b.stale(t0.Add(time.Minute)))
	require.True(t, b.stale(t0.Add(budgetRetry)))
	require.Zero(t, b.delay(t0))
	b.set(t0, &Quota{})
	require.Zero(t, b.delay(t0), "a quota of 0 is no quota")
}
