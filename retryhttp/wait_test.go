package retryhttp

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBackoffBoundedAndJittered(t *testing.T) {
	t.Parallel()
	const lo, hi = 100 * time.Millisecond, time.Second
	for attempt := range 40 {
		ceiling := min(lo<<min(attempt, 30), hi)
		seen := map[time.Duration]bool{}
		for range 50 {
			d := backoff(lo, hi, attempt)
			require.Positive(t, d)
			require.LessOrEqual(t, d, ceiling, "attempt %d", attempt)
			seen[d] = true
		}
		require.Greater(t, len(seen), 10, "attempt %d: waits are spread, not one value", attempt)
	}
}

func TestRetryAfterForms(t *testing.T) {
	t.Parallel()
	resp := func(v string) *http.Response { return &http.Response{Header: http.Header{"Retry-After": {v}}} }
	d, ok := RetryAfter(resp("7"))
	require.True(t, ok)
	require.Equal(t, 7*time.Second, d)
	d, ok = RetryAfter(resp(time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)))
	require.True(t, ok)
	require.InDelta(t, 90*time.Second, d, float64(2*time.Second), "an HTTP-date")
	d, ok = RetryAfter(resp("Mon, 01 Jan 2001 00:00:00 GMT"))
	require.True(t, ok)
	require.Zero(t, d, "a date in the past asks for no wait")
	_, ok = RetryAfter(resp("soon"))
	require.False(t, ok)
	_, ok = RetryAfter(&http.Response{Header: http.Header{}})
	require.False(t, ok)

	ms := MillisecondsHeader("X-Lognex-Retry-After")
	d, ok = ms(&http.Response{Header: http.Header{"X-Lognex-Retry-After": {"1500"}}})
	require.True(t, ok)
	require.Equal(t, 1500*time.Millisecond, d)
}
