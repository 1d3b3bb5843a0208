package retryhttp_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/retryhttp"
)

// peer is a test server that answers each request with the next scripted
// status (200 once the script is done) and records the bodies it got.
type peer struct {
	srv    *httptest.Server
	mu     sync.Mutex
	script []func(w http.ResponseWriter)
	bodies []string
	hits   atomic.Int32
}

func setup(t *testing.T, script ...func(w http.ResponseWriter)) *peer {
	t.Helper()
	p := &peer{script: script}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.hits.Add(1)
		b, _ := io.ReadAll(r.Body)
		p.mu.Lock()
		p.bodies = append(p.bodies, string(b))
		var next func(http.ResponseWriter)
		if len(p.script) > 0 {
			next, p.script = p.script[0], p.script[1:]
		}
		p.mu.Unlock()
		if next == nil {
			w.WriteHeader(http.StatusOK)
			return
		}
		next(w)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func status(code int, header ...string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
	}
}

func fast(cfg retryhttp.Config) retryhttp.Config {
	if cfg.WaitMin == 0 {
		cfg.WaitMin, cfg.WaitMax = time.Millisecond, 5*time.Millisecond
	}
	return cfg
}

func client(t *testing.T, cfg retryhttp.Config) *retryhttp.Client {
	t.Helper()
	c, err := retryhttp.New(fast(cfg))
	require.NoError(t, err)
	return c
}

func send(t *testing.T, c *retryhttp.Client, method, url string, body string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := c.Do(req)
	if resp != nil {
		t.Cleanup(func() { resp.Body.Close() })
	}
	return resp, err
}

func TestGetRetriedAfter5xxWithTheSameBody(t *testing.T) {
	t.Parallel()
	p := setup(t, status(502), status(500))
	c := client(t, retryhttp.Config{})
	resp, err := send(t, c, http.MethodPut, p.srv.URL, `{"a":1}`)
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, []string{`{"a":1}`, `{"a":1}`, `{"a":1}`}, p.bodies, "the body is replayed")
	require.Equal(t, retryhttp.Stats{Requests: 3, Retries: 2}, c.Stats())
}

func TestPostRetriedOnlyAfter429(t *testing.T) {
	t.Parallel()
	p := setup(t, status(500))
	c := client(t, retryhttp.Config{})
	resp, err := send(t, c, http.MethodPost, p.srv.URL, "x")
	require.NoError(t, err)
	require.Equal(t, 500, resp.StatusCode, "a POST the server may have executed is not repeated")
	require.EqualValues(t, 1, p.hits.Load())

	p = setup(t, status(429), status(429))
	resp, err = send(t, c, http.MethodPost, p.srv.URL, "x")
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode, "a 429 was not executed: repeated")
	require.EqualValues(t, 3, p.hits.Load())
	require.EqualValues(t, 2, c.Stats().RateLimited)

	p = setup(t, status(503))
	req, err := http.NewRequest(http.MethodPost, p.srv.URL, strings.NewReader("x"))
	require.NoError(t, err)
	resp, err = c.DoIdempotent(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode, "the caller said the POST is safe to repeat")
}

func TestClientErrorsAreFinal(t *testing.T) {
	t.Parallel()
	p := setup(t, status(400), status(501))
	c := client(t, retryhttp.Config{})
	resp, err := send(t, c, http.MethodGet, p.srv.URL, "")
	require.NoError(t, err)
	require.Equal(t, 400, resp.StatusCode)
	resp, err = send(t, c, http.MethodGet, p.srv.URL, "")
	require.NoError(t, err)
	require.Equal(t, 501, resp.StatusCode)
	require.EqualValues(t, 2, p.hits.Load())
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	p := setup(t, status(429, "Retry-After", "1"))
	c := client(t, retryhttp.Config{Budget: 5 * time.Second})
	start := time.Now()
	resp, err := send(t, c, http.MethodGet, p.srv.URL, "")
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode)
	require.GreaterOrEqual(t, time.Since(start), time.Second, "waited what the server asked, above WaitMax")
}

func TestServerWaitHook(t *testing.T) {
	t.Parallel()
	p := setup(t, status(429, "X-Lognex-Retry-After", "300"))
	c := client(t, retryhttp.Config{ServerWait: retryhttp.MillisecondsHeader("X-Lognex-Retry-After")})
	start := time.Now()
	_, err := send(t, c, http.MethodGet, p.srv.URL, "")
	require.NoError(t, err)
	require.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond)
}

func TestRetryAfterBeyondBudgetEndsTheCall(t *testing.T) {
	t.Parallel()
	p := setup(t, status(503, "Retry-After", "30"))
	c := client(t, retryhttp.Config{Budget: time.Second})
	start := time.Now()
	resp, err := send(t, c, http.MethodGet, p.srv.URL, "")
	require.NoError(t, err)
	require.Equal(t, 503, resp.StatusCode, "the answer comes back for the caller to schedule")
	require.Less(t, time.Since(start), 500*time.Millisecond, "no wait that cannot end in a success")
	require.EqualValues(t, 1, p.hits.Load())
}

func TestBudgetStopsRetries(t *testing.T) {
	t.Parallel()
	down := make([]func(http.ResponseWriter), 1000)
	for i := range down {
		down[i] = status(502)
	}
	p := setup(t, down...)
	c := client(t, retryhttp.Config{RetryMax: 1000, WaitMin: 20 * time.Millisecond, WaitMax: 50 * time.Millisecond, Budget: 300 * time.Millisecond})
	start := time.Now()
	resp, err := send(t, c, http.MethodGet, p.srv.URL, "")
	require.NoError(t, err)
	require.Equal(t, 502, resp.StatusCode)
	took := time.Since(start)
	require.GreaterOrEqual(t, took, 300*time.Millisecond)
	require.Less(t, took, time.Second, "no retry starts after the budget")
	require.Greater(t, p.hits.Load(), int32(3))

	// One budget for the requests of one call: the second starts spent.
	p = setup(t, status(502))
	ctx := c.Begin(context.Background())
	time.Sleep(350 * time.Millisecond)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.srv.URL, nil)
	require.NoError(t, err)
	resp, err = c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 502, resp.StatusCode)
	require.EqualValues(t, 1, p.hits.Load())
}

func TestRetryMax(t *testing.T) {
	t.Parallel()
	p := setup(t, status(500), status(500), status(500), status(500))
	c := client(t, retryhttp.Config{RetryMax: 2})
	resp, err := send(t, c, http.MethodGet, p.srv.URL, "")
	require.NoError(t, err)
	require.Equal(t, 500, resp.StatusCode)
	require.EqualValues(t, 3, p.hits.Load())
}

// closedURL is a URL nothing listens on.
func closedURL(t *testing.T, path string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr + path
}

func TestTransportErrorsRetriedAndRedacted(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(b []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(b)
	}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := client(t, retryhttp.Config{RetryMax: 2, Logger: logger})
	const secret = "bot123456:AAE-secret-token"
	_, err := send(t, c, http.MethodGet, closedURL(t, "/"+secret+"/sendMessage?key=also-secret"), "")
	require.Error(t, err)
	require.ErrorContains(t, err, "connection refused")
	require.NotContains(t, err.Error(), "secret")
	var ue *url.Error
	require.False(t, errors.As(err, &ue), "the *url.Error is dropped")
	require.EqualValues(t, 3, c.Stats().Requests, "refused connections are retried")
	mu.Lock()
	defer mu.Unlock()
	require.Contains(t, logs.String(), "giving up")
	require.NotContains(t, logs.String(), "secret", "no URL path in the logs either")
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

func TestPostNotRetriedAfterTransportError(t *testing.T) {
	t.Parallel()
	c := client(t, retryhttp.Config{})
	_, err := send(t, c, http.MethodPost, closedURL(t, "/"), "x")
	require.Error(t, err)
	require.EqualValues(t, 1, c.Stats().Requests)
}

func TestContextEndsWaiting(t *testing.T) {
	t.Parallel()
	p := setup(t, status(503, "Retry-After", "5"))
	c := client(t, retryhttp.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.srv.URL, nil)
	require.NoError(t, err)
	_, err = c.Do(req)
	require.ErrorIs(t, err, context.Canceled)
}

func TestConfigValidated(t *testing.T) {
	t.Parallel()
	_, err := retryhttp.New(retryhttp.Config{RetryMax: -1})
	require.ErrorContains(t, err, "must not be negative")
	_, err = retryhttp.New(retryhttp.Config{WaitMin: time.Second, WaitMax: time.Millisecond})
	require.ErrorContains(t, err, "WaitMin must not exceed WaitMax")
	require.NoError(t, retryhttp.Config{}.Validate(), "zero fields take defaults")
}
