package webhooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/metrics"
	"github.com/skladflow/skladflow/storage"
	"github.com/skladflow/skladflow/webhooks"
)

const secret = "0123456789abcdef0123"

type bundle struct {
	url   string
	store *storage.Store
}

func setup(t *testing.T) bundle {
	t.Helper()
	ctx := context.Background()
	store, err := storage.Open(ctx, storage.Config{Path: filepath.Join(t.TempDir(), "db.sqlite")})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	edge, err := webhooks.New(webhooks.Config{MoySkladSecret: secret, IntegrationUID: "skladflow@acme"}, store, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(edge.Handler())
	t.Cleanup(srv.Close)
	return bundle{url: srv.URL, store: store}
}

func (b bundle) post(t *testing.T, path, body string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Post(b.url+path, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b2, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b2)
}

func (b bundle) inbox(t *testing.T) int {
	t.Helper()
	n, err := b.store.InboxCount(context.Background())
	require.NoError(t, err)
	return n
}

const stateChange = `{"auditContext":{"meta":{"type":"audit","href":"https://api.moysklad.ru/api/remap/1.2/audit/55bec62c-f82f-11f0-0a80-0b3c0006165d"},"uid":"staff@acme","moment":"2026-01-23 10:44:23"},
"events":[{"meta":{"type":"supply","href":"https://api.moysklad.ru/api/remap/1.2/entity/supply/4081cebb-f82b-11f0-0a80-0472000f6157"},"updatedFields":["state"],"action":"UPDATE","accountId":"021a4ccc-ee91-11ea-0a80-09f000002b18"}]}`

func TestMoySkladStoresAndAnswers204(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp, _ := b.post(t, "/hooks/moysklad/"+secret+"?requestId=r1", stateChange)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.Equal(t, 1, b.inbox(t))
}

func TestMoySkladDeduplicates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for range 4 { // MoySklad's first attempt and three resends carry the same requestId
		resp, _ := b.post(t, "/hooks/moysklad/"+secret+"?requestId=r1", stateChange)
		require.Equal(t, http.StatusNoContent, resp.StatusCode)
	}
	// The same change under another requestId has the same audit context.
	resp, _ := b.post(t, "/hooks/moysklad/"+secret+"?requestId=r2", stateChange)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.Equal(t, 1, b.inbox(t))
}

func TestMoySkladWrongSecretIs404(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp, body := b.post(t, "/hooks/moysklad/wrong-secret-000000?requestId=r1", stateChange)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.JSONEq(t, `{"error":"not_found","message":"not found"}`, body)
	require.Zero(t, b.inbox(t))
}

func TestMoySkladMalformedIs400AndStoresNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, body := range []string{
		``,
		`not json`,
		`{"events":[]}`,
		`{"events":[{"meta":{"type":"supply"},"action":"UPDATE"}]}`,
		`{"events":[{"meta":{"type":"supply","href":"https://x/entity/supply/1"},"action":"EXPLODE"}]}`,
		`[1,2,3]`,
	} {
		resp, got := b.post(t, "/hooks/moysklad/"+secret+"?requestId=r1", body)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, "body %q", body)
		require.Equal(t, "application/json", strings.Split(resp.Header.Get("Content-Type"), ";")[0])
		require.Contains(t, got, `"error":"bad_notification"`)
	}
	require.Zero(t, b.inbox(t))
}

func TestMoySkladBodyLimit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp, got := b.post(t, "/hooks/moysklad/"+secret, `{"events":[`+strings.Repeat(" ", 17<<20)+`]}`) // over the 16 MiB default
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	require.Contains(t, got, `"error":"too_large"`)
	require.Zero(t, b.inbox(t))
}

func TestMoySkladDropsWhatNeedsNoWork(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, body := range []string{
		// caused by skladflow's own integration user
		strings.Replace(stateChange, "staff@acme", "skladflow@acme", 1),
		// a type skladflow does not watch
		strings.ReplaceAll(stateChange, `"type":"supply"`, `"type":"product"`),
		// a change that is not a status change
		strings.Replace(stateChange, `["state"]`, `["description"]`, 1),
	} {
		resp, _ := b.post(t, "/hooks/moysklad/"+secret+"?requestId=r-"+body[len(body)-20:], body)
		require.Equal(t, http.StatusNoContent, resp.StatusCode)
	}
	require.Zero(t, b.inbox(t))
}

func TestMoySkladSeveralEventsWithoutAuditContext(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := `{"events":[
{"meta":{"type":"supply","href":"https://api.moysklad.ru/api/remap/1.2/entity/supply/7f6f5f31-f543-11f0-0a80-1474007f29b9"},"action":"UPDATE","accountId":"a"},
{"meta":{"type":"move","href":"https://api.moysklad.ru/api/remap/1.2/entity/move/7f6f5f31-f543-11f0-0a80-1474007f29ba"},"action":"CREATE","accountId":"a"}]}`
	resp, _ := b.post(t, "/hooks/moysklad/"+secret+"?requestId=r9", body)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.Equal(t, 2, b.inbox(t))
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp, err := http.Get(b.url + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	resp, err = http.Get(b.url + "/readyz")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// A database that stopped answering (a ping waiting on TCP) is reported
// as not ready within ReadyTimeout, as JSON: the probe learns the answer
// instead of timing out itself.
func TestReadyzBoundsAHangingPing(t *testing.T) {
	t.Parallel()
	hung := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
	edge, err := webhooks.New(webhooks.Config{MoySkladSecret: secret, Ready: hung, ReadyTimeout: 50 * time.Millisecond}, nil, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(edge.Handler())
	t.Cleanup(srv.Close)
	// Unbounded, the ping would outlast this client's patience.
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(srv.URL + "/readyz")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	var body struct{ Error, Message string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	require.Equal(t, "not_ready", body.Error)
	require.Equal(t, "database unavailable", body.Message)
}

// FuzzMoySkladHook sends arbitrary bodies to the edge: every answer is 204
// or a 4xx with a JSON error, never a 5xx, and a rejected body stores
// nothing.
func FuzzMoySkladHook(f *testing.F) {
	f.Add([]byte(stateChange))
	f.Add([]byte(`{"events":[{"meta":{"type":"move","href":"https://x/entity/move/1"},"action":"CREATE"}]}`))
	f.Add([]byte(`{"events":null}`))
	store, err := storage.Open(context.Background(), storage.Config{Path: filepath.Join(f.TempDir(), "db.sqlite")})
	require.NoError(f, err)
	f.Cleanup(func() { store.Close() })
	edge, err := webhooks.New(webhooks.Config{MoySkladSecret: secret}, store, nil)
	require.NoError(f, err)
	srv := httptest.NewServer(edge.Handler())
	f.Cleanup(srv.Close)
	f.Fuzz(func(t *testing.T, body []byte) {
		before, err := store.InboxCount(context.Background())
		require.NoError(t, err)
		resp, err := http.Post(srv.URL+"/hooks/moysklad/"+secret, "application/json", bytes.NewReader(body))
		require.NoError(t, err)
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusNoContent {
			return
		}
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, string(got))
		require.True(t, json.Valid(got))
		after, err := store.InboxCount(context.Background())
		require.NoError(t, err)
		require.Equal(t, before, after)
	})
}

// overloaded is an inbox whose writer's queue is full.
type overloaded struct{}

func (overloaded) Accept(context.Context, storage.Notification) (storage.Accepted, error) {
	return storage.Accepted{}, fmt.Errorf("accept: %w", storage.ErrOverloaded)
}

// A full ingest queue is answered 503 at once, so MoySklad resends, and
// the metrics count it.
func TestMoySkladOverloadedAnswers503(t *testing.T) {
	t.Parallel()
	m := metrics.NewSet()
	edge, err := webhooks.New(webhooks.Config{MoySkladSecret: secret, Metrics: m}, overloaded{}, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(edge.Handler())
	t.Cleanup(srv.Close)
	resp, err := http.Post(srv.URL+"/hooks/moysklad/"+secret+"?requestId=r1", "application/json", strings.NewReader(stateChange))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	require.JSONEq(t, `{"error":"overloaded","message":"too many notifications at once, send again"}`, string(body))
	require.Equal(t, 1.0, m.WebhooksRejected.Value("moysklad", "overloaded"))
}
