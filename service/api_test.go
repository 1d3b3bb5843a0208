package service_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
)

func (b *bundle) api(t *testing.T, method, path, user, pass string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, b.cfg.PublicURL+path, nil)
	require.NoError(t, err)
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	return resp.StatusCode, body
}

func TestOperatorAPI(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{edit: func(c *config.Config) { c.Admin.Password = "admin-pass-1" }})
	b.fb.FailNext(fboxtest.Fault{Method: "POST", PathPrefix: "/indocs", Code: 1000, Message: "Склад временно не принимает", Count: 1})
	doc := b.supply(t, "", line{b.p.kettle, 3})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Ошибка передачи")
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "submit_failed")

	status, _ := b.api(t, "GET", "/api/documents", "", "")
	require.Equal(t, http.StatusUnauthorized, status)
	status, _ = b.api(t, "GET", "/api/documents", "admin", "wrong")
	require.Equal(t, http.StatusUnauthorized, status)

	status, body := b.api(t, "GET", "/api/documents?state=submit_failed", "admin", "admin-pass-1")
	require.Equal(t, http.StatusOK, status)
	docs := body["documents"].([]any)
	require.Len(t, docs, 1)
	d := docs[0].(map[string]any)
	require.Equal(t, doc.ID, d["id"])
	require.Contains(t, d["last_error"], "Склад временно не принимает")
	require.Equal(t, false, d["stuck"])

	status, body = b.api(t, "GET", "/api/documents/supply/"+doc.ID, "admin", "admin-pass-1")
	require.Equal(t, http.StatusOK, status)
	var kinds []string
	for _, e := range body["timeline"].([]any) {
		kinds = append(kinds, e.(map[string]any)["kind"].(string))
	}
	require.Contains(t, strings.Join(kinds, ","), "decision,transition,call,error,writeback,transition")

	status, _ = b.api(t, "GET", "/api/documents/supply/nope", "admin", "admin-pass-1")
	require.Equal(t, http.StatusNotFound, status)

	page := func(query string) string {
		req, err := http.NewRequest("GET", b.cfg.PublicURL+"/admin"+query, nil)
		require.NoError(t, err)
		req.SetBasicAuth("admin", "admin-pass-1")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(raw)
	}
	require.Contains(t, page("?flow=inbound&errors=true"), "Приёмка 00042")
	require.NotContains(t, page("?older=24h"), "Приёмка 00042", "changed just now")
	require.NotContains(t, page("?stuck=true"), "Приёмка 00042", "an error waits for staff: not stuck")

	// The warehouse is fine again: the operator retries.
	status, body = b.api(t, "POST", "/api/documents/supply/"+doc.ID+"/retry", "admin", "admin-pass-1")
	require.Equal(t, http.StatusAccepted, status)
	require.Equal(t, "queued", body["status"])
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	require.Eventually(t, func() bool {
		_, body := b.api(t, "GET", "/api/documents/supply/"+doc.ID, "admin", "admin-pass-1")
		return body["document"].(map[string]any)["state"] == "submitted"
	}, patience, 20*time.Millisecond)
}

func TestMetricsAfterAFlow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc := b.supply(t, "", line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "submitted")
	resp, err := http.Post(b.svc.HookURL(), "application/json", strings.NewReader("not json"))
	require.NoError(t, err)
	resp.Body.Close()

	resp, err = http.Get(b.cfg.PublicURL + "/metrics")
	require.NoError(t, err)
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	out := string(raw)
	// CREATE of the new document and UPDATE of its status.
	require.Contains(t, out, `skladflow_webhooks_received_total{source="moysklad"} 2`)
	require.Contains(t, out, `skladflow_webhooks_rejected_total{source="moysklad",reason="bad_notification"} 1`)
	require.Contains(t, out, `skladflow_transitions_total{flow="inbound",event="submit_ok"} 1`)
	require.Contains(t, out, `skladflow_outbound_requests_total{peer="fbox",code="200"}`)
	require.Contains(t, out, `skladflow_outbound_requests_total{peer="moysklad",code="200"}`)
	require.Contains(t, out, `skladflow_jobs{state="completed"}`)
	require.Regexp(t, `skladflow_moysklad_batch_documents\{kind="write"\} [1-9]`, out, "the handover's write went through the batching")
	require.Contains(t, out, "skladflow_stuck_documents 0")
}

func TestAlertWhenTheWarehouseIsDown(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var texts []string
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		_ = json.NewDecoder(r.Body).Decode(&m)
		mu.Lock()
		texts = append(texts, m["text"].(string))
		mu.Unlock()
	}))
	t.Cleanup(target.Close)
	got := func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), texts...) }

	b := setup(t, setupOpts{retryBudget: 50 * time.Millisecond, edit: func(c *config.Config) {
		c.Alerts = config.Alerts{URL: target.URL, CheckInterval: config.Duration{Duration: 100 * time.Millisecond}}
	}})
	// The whole warehouse API is down: a feed poll must not pass for a recovery.
	b.fb.FailNext(fboxtest.Fault{HTTPStatus: 503, Code: 503, Message: "down", Count: 100000})
	doc := b.supply(t, "", line{b.p.kettle, 1})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	require.Eventually(t, func() bool { return len(got()) == 1 }, 20*time.Second, 20*time.Millisecond)
	require.Contains(t, got()[0], "склад (FBox) не отвечает")
	require.Never(t, func() bool { return len(got()) > 1 }, 500*time.Millisecond, 20*time.Millisecond, "one alert per outage")

	b.fb.ClearFaults()
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	require.Eventually(t, func() bool { return len(got()) == 2 }, patience, 20*time.Millisecond)
	require.Equal(t, "✅ склад (FBox) снова отвечает", got()[1])
}

// page reads an admin page as the operator's browser would.
func (b *bundle) page(t *testing.T, path, user, pass string) string {
	t.Helper()
	req, err := http.NewRequest("GET", b.cfg.PublicURL+path, nil)
	require.NoError(t, err)
	req.SetBasicAuth(user, pass)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(body)
}
