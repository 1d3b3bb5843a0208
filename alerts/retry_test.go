package alerts_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/alerts"
)

// reset closes the connection without an answer.
func reset(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
	}
}

// telegram is a Telegram-like target behind a bot token URL; it counts the
// POSTs and answers each with answer(n) (n from 1).
func telegram(t *testing.T, answer func(n int32, w http.ResponseWriter)) (*alerts.Alerter, *atomic.Int32, *bytes.Buffer) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { answer(calls.Add(1), w) }))
	t.Cleanup(srv.Close)
	var logs bytes.Buffer
	a, err := alerts.New(alerts.Config{URL: srv.URL + "/bot123:secret-token/sendMessage", Format: alerts.FormatTelegram, ChatID: "1",
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	require.NoError(t, err)
	return a, &calls, &logs
}

func TestFailedPostRetried(t *testing.T) {
	t.Parallel()
	a, calls, logs := telegram(t, func(n int32, w http.ResponseWriter) {
		switch n {
		case 1:
			w.WriteHeader(http.StatusBadGateway)
		case 2:
			reset(w)
		}
	})
	a.Raise(context.Background(), "stuck", "зависли документы: 1")
	require.EqualValues(t, 3, calls.Load(), "one failed POST does not lose the alert")
	require.NotContains(t, logs.String(), "alert not delivered")
}

func TestUndeliveredAlertLogsNoToken(t *testing.T) {
	t.Parallel()
	a, calls, logs := telegram(t, func(_ int32, w http.ResponseWriter) { reset(w) })
	a.Raise(context.Background(), "stuck", "зависли документы: 1")
	require.EqualValues(t, 4, calls.Load(), "a few retries, then given up")
	require.Contains(t, logs.String(), "alert not delivered")
	require.NotContains(t, logs.String(), "secret-token")
}
