package fboxtest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment/fboxtest"
)

func setup(t *testing.T, opts fboxtest.Options) *fboxtest.Server {
	t.Helper()
	s := fboxtest.NewServer(opts)
	t.Cleanup(s.Close)
	return s
}

func post(t *testing.T, url, user, pass, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	require.NoError(t, err)
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, resp.Header, out
}

func TestAuth(t *testing.T) {
	t.Parallel()
	s := setup(t, fboxtest.Options{})
	status, _, body := post(t, s.URL()+"/outdocs/list", "", "", `{}`)
	require.Equal(t, 401, status)
	require.Equal(t, false, body["success"])
	status, _, body = post(t, s.URL()+"/outdocs/list", "partner", "nope", `{}`)
	require.Equal(t, 403, status)
	require.EqualValues(t, 403, body["error_code"])
	status, h, body := post(t, s.URL()+"/outdocs/list", "partner", "secret", `{}`)
	require.Equal(t, 200, status)
	require.Equal(t, true, body["success"])
	require.Equal(t, "0", h.Get("X-RateLimit-Reset"))
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	s := setup(t, fboxtest.Options{RateLimit: 2, Now: func() time.Time { return now }})
	for range 2 {
		status, h, _ := post(t, s.URL()+"/outdocs/list", "partner", "secret", `{}`)
		require.Equal(t, 200, status)
		require.Equal(t, "0", h.Get("X-RateLimit-Reset"))
	}
	// #rl_desc: the request that drives the quota below zero is served, and
	// its answer says how long until the quota is back at zero (1 of 2 per
	// minute: 30 s).
	status, h, _ := post(t, s.URL()+"/outdocs/list", "partner", "secret", `{}`)
	require.Equal(t, 200, status)
	require.Equal(t, "30", h.Get("X-RateLimit-Reset"))
	require.Equal(t, "1", h.Get("X-RateLimit-Remaining"))
	status, h, body := post(t, s.URL()+"/outdocs/list", "partner", "secret", `{}`)
	require.Equal(t, 429, status)
	require.Equal(t, "30", h.Get("Retry-After"))
	require.Equal(t, "30", h.Get("X-RateLimit-Reset"))
	require.Equal(t, "0", h.Get("X-RateLimit-Remaining"))
	require.Contains(t, body["error_message"], "Выполните запрос через 30 секунд")
	require.Equal(t, 1, s.Errors(), "the 429 counts against err_qnt")
}

func TestErrorQuota(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	s := setup(t, fboxtest.Options{ErrLimit: 1, Now: func() time.Time { return now }})
	status, _, _ := post(t, s.URL()+"/outdocs/list", "partner", "wrong", `{}`)
	require.Equal(t, 403, status)
	status, _, _ = post(t, s.URL()+"/outdocs/list", "partner", "wrong", `{}`)
	require.Equal(t, 403, status, "the quota went below zero with this one")
	status, h, body := post(t, s.URL()+"/outdocs/list", "partner", "secret", `{}`)
	require.Equal(t, 429, status, "even a good request waits until err_qnt is back at zero")
	require.Equal(t, "60", h.Get("Retry-After"))
	require.Contains(t, body["error_message"], "Превышен лимит err_qnt")
}

func TestBusinessErrorStatus(t *testing.T) {
	t.Parallel()
	s := setup(t, fboxtest.Options{BusinessErrorStatus: 409})
	status, _, body := post(t, s.URL()+"/indocs", "partner", "secret", `{"indoc_type":"goods_supply_task","indoc_id":"X","items":[]}`)
	require.Equal(t, 409, status, "the status of business errors is configurable: FBox's is unconfirmed")
	require.EqualValues(t, 1000, body["error_code"])
}
