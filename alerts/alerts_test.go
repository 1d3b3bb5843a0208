package alerts_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/alerts"
)

type target struct {
	mu   sync.Mutex
	got  []map[string]any
	srv  *httptest.Server
	code int
}

func setup(t *testing.T, format string) (*alerts.Alerter, *target) {
	t.Helper()
	tg := &target{code: 200}
	tg.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		require.NoError(t, json.NewDecoder(r.Body).Decode(&m))
		tg.mu.Lock()
		tg.got = append(tg.got, m)
		tg.mu.Unlock()
		w.WriteHeader(tg.code)
	}))
	t.Cleanup(tg.srv.Close)
	a, err := alerts.New(alerts.Config{URL: tg.srv.URL, Format: format, ChatID: "-100500"})
	require.NoError(t, err)
	return a, tg
}

func (tg *target) messages() []map[string]any {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	return append([]map[string]any(nil), tg.got...)
}

func TestOneAlertAndOneRecoveryPerOutage(t *testing.T) {
	t.Parallel()
	a, tg := setup(t, alerts.FormatJSON)
	ctx := context.Background()
	for range 3 {
		a.Raise(ctx, "peer:fbox", "склад не отвечает")
	}
	require.True(t, a.Firing("peer:fbox"))
	a.Resolve(ctx, "peer:fbox", "склад снова отвечает")
	a.Resolve(ctx, "peer:fbox", "склад снова отвечает")
	got := tg.messages()
	require.Len(t, got, 2)
	require.Equal(t, "firing", got[0]["status"])
	require.Equal(t, "⚠️ склад не отвечает", got[0]["text"])
	require.Equal(t, "resolved", got[1]["status"])

	// Flapping within MinInterval is the same outage: nothing more.
	a.Raise(ctx, "peer:fbox", "склад не отвечает")
	a.Resolve(ctx, "peer:fbox", "склад снова отвечает")
	require.Len(t, tg.messages(), 2)
}

func TestTelegramFormat(t *testing.T) {
	t.Parallel()
	a, tg := setup(t, alerts.FormatTelegram)
	a.Raise(context.Background(), "stuck", "зависли документы: 2")
	require.Equal(t, []map[string]any{{"chat_id": "-100500", "text": "⚠️ зависли документы: 2"}}, tg.messages())
	_, err := alerts.New(alerts.Config{URL: "x", Format: alerts.FormatTelegram})
	require.ErrorContains(t, err, "chat id")
}

func TestWatcher(t *testing.T) {
	t.Parallel()
	a, tg := setup(t, alerts.FormatJSON)
	w := alerts.NewWatcher(a)
	ctx := context.Background()
	calls := func(ok, bad float64) map[string]map[string]float64 {
		return map[string]map[string]float64{"fbox": {"200": ok, "503": bad}}
	}
	w.Check(ctx, alerts.Snapshot{Calls: calls(10, 0)})
	w.Check(ctx, alerts.Snapshot{Calls: calls(10, 3)})
	require.Empty(t, tg.messages(), "a few failures are not an outage")
	w.Check(ctx, alerts.Snapshot{Calls: calls(10, 6)})
	w.Check(ctx, alerts.Snapshot{Calls: calls(10, 9)})
	require.Len(t, tg.messages(), 1, "one alert per outage")
	require.Contains(t, tg.messages()[0]["text"], "склад (FBox) не отвечает: 6 неудачных запросов подряд")
	w.Check(ctx, alerts.Snapshot{Calls: calls(11, 9), Stuck: 2})
	got := tg.messages()
	require.Len(t, got, 3)
	require.Equal(t, "✅ склад (FBox) снова отвечает", got[1]["text"])
	require.Contains(t, got[2]["text"], "зависли документы: 2")
}
