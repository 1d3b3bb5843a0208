package cdek_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/cdek/cdektest"
	"github.com/skladflow/skladflow/retryhttp"
)

// fault is what the flaky proxy does instead of forwarding a request.
type fault func(w http.ResponseWriter)

func answer(status int) fault { return func(w http.ResponseWriter) { w.WriteHeader(status) } }

// reset closes the connection without an answer.
func reset(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
	}
}

// flaky stands in front of the emulator and fails the next requests whose
// "METHOD /path" starts with a prefix.
type flaky struct {
	mu     sync.Mutex
	faults map[string][]fault
	seen   map[string]int
}

func (f *flaky) fail(prefix string, fs ...fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[prefix] = append(f.faults[prefix], fs...)
}

func (f *flaky) count(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seen[prefix]
}

func setupFlaky(t *testing.T, cfg cdek.Config) (*flaky, *cdektest.Server, *cdek.Client) {
	t.Helper()
	srv := cdektest.NewServer(cdektest.Options{})
	t.Cleanup(srv.Close)
	target, err := url.Parse(srv.URL())
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host})
	f := &flaky{faults: map[string][]fault{}, seen: map[string]int{}}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Method + " " + r.URL.Path
		f.mu.Lock()
		var next fault
		for prefix, fs := range f.faults {
			if strings.HasPrefix(key, prefix) {
				f.seen[prefix]++
				if len(fs) > 0 {
					next, f.faults[prefix] = fs[0], fs[1:]
				}
			}
		}
		f.mu.Unlock()
		if next != nil {
			next(w)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	cfg.BaseURL, cfg.ClientID, cfg.ClientSecret = front.URL+"/v2", srv.ClientID(), srv.ClientSecret()
	if cfg.RetryWaitMin == 0 {
		cfg.RetryWaitMin, cfg.RetryWaitMax = time.Millisecond, 10*time.Millisecond
	}
	c, err := cdek.NewClient(cfg)
	require.NoError(t, err)
	return f, srv, c
}

func TestReadsRetriedAfter502AndReset(t *testing.T) {
	t.Parallel()
	f, _, c := setupFlaky(t, cdek.Config{})
	ctx := context.Background()
	env, err := c.CreateOrder(ctx, order("MS-1"))
	require.NoError(t, err)

	f.fail("GET /v2/orders/", answer(http.StatusBadGateway), reset)
	got, err := c.GetOrder(ctx, env.Entity.UUID)
	require.NoError(t, err)
	require.Equal(t, env.Entity.UUID, got.Entity.UUID)
	require.Equal(t, 3, f.count("GET /v2/orders/"))

	f.fail("DELETE /v2/orders/", answer(http.StatusServiceUnavailable))
	_, err = c.DeleteOrder(ctx, env.Entity.UUID)
	require.NoError(t, err, "a deletion is retried")
}

func TestOrderCreationRepeatedOnlyAfter429(t *testing.T) {
	t.Parallel()
	f, srv, c := setupFlaky(t, cdek.Config{})
	ctx := context.Background()
	f.fail("POST /v2/orders", answer(http.StatusBadGateway))
	_, err := c.CreateOrder(ctx, order("MS-1"))
	var ce *cdek.Error
	require.ErrorAs(t, err, &ce)
	require.Equal(t, http.StatusBadGateway, ce.Status, "CDEK may have created it: not repeated")
	require.Equal(t, 1, f.count("POST /v2/orders"))

	f.fail("POST /v2/orders", answer(http.StatusTooManyRequests))
	_, err = c.CreateOrder(ctx, order("MS-2"))
	require.NoError(t, err, "a 429 was not executed: repeated")
	require.Equal(t, 1, srv.Creates())

	// The token request is safe to repeat.
	f.fail("POST /v2/oauth/token", answer(http.StatusBadGateway), reset)
	srv.ExpireTokens()
	_, err = c.FindOrder(ctx, "MS-2")
	require.NoError(t, err)
	require.Equal(t, 3, f.count("POST /v2/oauth/token"))
}

func TestErrorsSayWhetherTemporary(t *testing.T) {
	t.Parallel()
	f, _, c := setupFlaky(t, cdek.Config{RetryBudget: 50 * time.Millisecond})
	ctx := context.Background()

	down, err := cdek.NewClient(cdek.Config{BaseURL: "http://127.0.0.1:1/v2", ClientID: "id", ClientSecret: "secret", RetryBudget: 50 * time.Millisecond})
	require.NoError(t, err)
	_, err = down.GetOrder(ctx, "u")
	var te *cdek.TransportError
	require.ErrorAs(t, err, &te)
	temp, said := retryhttp.Temporary(err)
	require.True(t, said && temp, "connection refused is temporary: %v", err)
	require.NotContains(t, err.Error(), "secret")

	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = c.GetOrder(canceled, "u")
	require.ErrorIs(t, err, context.Canceled)

	o := order("MS-1")
	o.TariffCode = 0
	_, err = c.CreateOrder(ctx, o)
	temp, said = retryhttp.Temporary(err)
	require.True(t, said)
	require.False(t, temp, "a 400 is final: %v", err)

	for range 10 { // more than the attempts of one call
		f.fail("GET /v2/orders", answer(http.StatusServiceUnavailable))
	}
	_, err = c.FindOrder(ctx, "MS-1")
	temp, said = retryhttp.Temporary(err)
	require.True(t, said && temp, "a 503 is temporary: %v", err)

	require.True(t, (&cdek.Error{Status: 400, Problems: []cdek.Problem{{Code: cdek.CodeSimilarRequestInRun}}}).Temporary())
}
