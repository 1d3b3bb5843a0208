package loadtest

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// setup is a tiny run: fast under -race on two cores, yet every scenario
// and every kind of duplicate takes part.
func setup(t *testing.T) Config {
	t.Helper()
	return Config{
		Rates:             []int{50},
		RateDuration:      time.Second,
		Burst:             50,
		NotificationSizes: []int{200},
		Repeats:           1,
		BaselineDuration:  200 * time.Millisecond,
		VerifyTimeout:     3 * time.Minute,
		Dir:               t.TempDir(),
	}
}

func TestRunLosesNothing(t *testing.T) {
	t.Parallel()
	cfg := setup(t)
	rep, err := Run(context.Background(), cfg)
	require.NoError(t, err)

	v := rep.Verification
	require.Empty(t, v.Lost)
	require.Empty(t, v.Doubled)
	require.Empty(t, v.Unknown)
	require.Zero(t, v.Pending)
	// 200 documents in the notification; 50 deliveries hold 33 documents
	// each time (two in every six are duplicates): the burst twice (on new
	// connections, then on open ones) and the rate once.
	require.Equal(t, 200+33+33+33, v.Documents)
	require.Positive(t, v.Acknowledged)
	require.GreaterOrEqual(t, v.Processed, v.Acknowledged)
	require.Equal(t, v.Processed, v.Runs, "each document ran once")

	require.Len(t, rep.Notifications, 1)
	n := rep.Notifications[0]
	require.Equal(t, 1, n.Acked+n.Refused+n.Failed, "the notification is acknowledged or counted")
	require.Equal(t, 50, rep.Burst.Sent)
	require.Equal(t, rep.Burst.Sent, rep.Burst.Acked+rep.Burst.Refused+rep.Burst.Failed)
	require.Equal(t, 17, rep.Burst.Duplicates)
	require.Equal(t, 50, rep.WarmBurst.Sent)
	require.Equal(t, rep.WarmBurst.Sent, rep.WarmBurst.Acked+rep.WarmBurst.Refused+rep.WarmBurst.Failed)
	require.Len(t, rep.Rates, 1)
	rt := rep.Rates[0]
	require.Equal(t, 50, rt.Planned)
	require.Equal(t, rt.Planned, rt.Sent, "the schedule fits its time bound")
	require.Equal(t, rt.Sent, rt.Acked+rt.Refused+rt.Failed)
	require.Positive(t, rep.Baseline.Rows)

	var out bytes.Buffer
	require.NoError(t, rep.Write(&out))
	require.Contains(t, out.String(), "raw SQLite durable single-row inserts: ")
	require.Contains(t, out.String(), "burst 50 deliveries (17 duplicates), new connections: p50 ")
	require.Contains(t, out.String(), "bare HTTP burst, open connections: p50 ")
	require.Contains(t, out.String(), "lost 0, doubled 0")
}

func TestVerifyFindsLostAndDoubled(t *testing.T) {
	t.Parallel()
	_ = setup(t)
	sent := map[string]bool{"supply/a": true, "supply/b": true, "supply/c": false, "supply/d": true, "supply/f": false}
	runs := map[string]int{"supply/a": 1, "supply/c": 1, "supply/d": 2, "supply/e": 1}

	v := verify(sent, runs)
	require.Equal(t, []string{"supply/b"}, v.Lost)
	require.Equal(t, []string{"supply/d"}, v.Doubled)
	require.Equal(t, []string{"supply/e"}, v.Unknown)
	require.Equal(t, 3, v.Acknowledged)
	var loss *LossError
	require.ErrorAs(t, v.Err(), &loss)
	require.ErrorContains(t, loss, "1 acknowledged document(s) lost (supply/b)")
	require.ErrorContains(t, loss, "1 document(s) processed more than once (supply/d)")

	// A refused document processed once (stored, its answer lost) and one
	// never processed are neither lost nor doubled.
	delete(runs, "supply/e")
	runs["supply/b"], runs["supply/d"] = 1, 1
	require.NoError(t, verify(sent, runs).Err())
}

func TestDeliverResendsLikeMoySklad(t *testing.T) {
	t.Parallel()
	_ = setup(t)
	var mu sync.Mutex
	seen := map[string]int{} // requestId → POSTs
	refuse := map[string]int{"twice": 2, "always": 100}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		id := r.URL.Query().Get("requestId")
		seen[id]++
		if seen[id] <= refuse[id] {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	c := newClient(srv.URL, 10)
	t.Cleanup(c.close)
	ctx := context.Background()

	o := c.deliver(ctx, delivery{requestID: "twice", body: []byte("{}")})
	require.True(t, o.acked)
	require.Equal(t, 3, o.attempts, "resent with the same requestId until acknowledged")

	o = c.deliver(ctx, delivery{requestID: "always", body: []byte("{}")})
	require.False(t, o.acked)
	require.False(t, o.failed)
	require.Equal(t, 4, o.attempts, "the first POST and MoySklad's 3 resends")
	require.Equal(t, http.StatusServiceUnavailable, o.status)
	mu.Lock()
	require.Equal(t, map[string]int{"twice": 3, "always": 4}, seen)
	mu.Unlock()
}

func TestRunRejectsABadConfig(t *testing.T) {
	t.Parallel()
	cfg := setup(t)
	cfg.Rates = []int{0}
	cfg.NotificationSizes = []int{maxNotificationSize + 1}
	_, err := Run(context.Background(), cfg)
	require.True(t, errors.Is(err, ErrInvalidConfig))
	require.ErrorContains(t, err, "rate 0/s")
	require.ErrorContains(t, err, "notification of 100001 events")
}
