package metrics_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/metrics"
)

func TestExposition(t *testing.T) {
	t.Parallel()
	s := metrics.NewSet()
	s.WebhooksReceived.Add(3, "moysklad")
	s.Transitions.Inc("inbound", "submit")
	s.Transitions.Inc("inbound", "submit")
	scraped := 0
	s.Registry.OnScrape(func() { scraped++; s.StuckDocuments.Set(2) })

	peer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(429) }))
	t.Cleanup(peer.Close)
	c := &http.Client{Transport: metrics.Transport(nil, s.OutboundCalls, "fbox")}
	resp, err := c.Get(peer.URL)
	require.NoError(t, err)
	resp.Body.Close()

	srv := httptest.NewServer(s.Registry)
	t.Cleanup(srv.Close)
	resp, err = http.Get(srv.URL)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	out := string(b)
	require.Equal(t, 1, scraped)
	require.Contains(t, out, "# TYPE skladflow_webhooks_received_total counter\nskladflow_webhooks_received_total{source=\"moysklad\"} 3\n")
	require.Contains(t, out, `skladflow_transitions_total{flow="inbound",event="submit"} 2`)
	require.Contains(t, out, `skladflow_outbound_requests_total{peer="fbox",code="429"} 1`)
	require.Contains(t, out, "skladflow_stuck_documents 2\n")
	for _, name := range []string{"skladflow_webhooks_deduplicated_total", "skladflow_webhooks_rejected_total", "skladflow_limiter_waits",
		"skladflow_jobs", "skladflow_disabled_webhooks"} {
		require.Contains(t, out, "# TYPE "+name+" ")
	}
}
