package webhooks_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/storage"
	"github.com/skladflow/skladflow/webhooks"
)

// BenchmarkWebhookAck measures the MoySklad notification path: parse,
// durable write of the inbox row and its job (file database, WAL,
// synchronous=FULL), 204. It reports the latency quantiles and their
// share of MoySklad's 1500 ms budget; BenchmarkWebhookBaseline is the same
// HTTP round trip to a handler that does nothing, for the ratio.
func BenchmarkWebhookAck(b *testing.B) {
	url := edge(b)
	bodies := make([]string, b.N)
	for i := range bodies {
		// a different audit context each time: every notification is new work
		bodies[i] = strings.Replace(stateChange, "55bec62c-f82f-11f0-0a80-0b3c0006165d", fmt.Sprintf("00000000-0000-0000-0000-%012d", i), 1)
	}
	b.ResetTimer()
	report(b, acks(b, url, bodies))
}

// edge serves the MoySklad hook on a fresh file database; it answers at
// the URL returned.
func edge(b *testing.B) string {
	store, err := storage.Open(context.Background(), storage.Config{Path: filepath.Join(b.TempDir(), "db.sqlite")})
	require.NoError(b, err)
	b.Cleanup(func() { store.Close() })
	e, err := webhooks.New(webhooks.Config{MoySkladSecret: secret}, store, nil)
	require.NoError(b, err)
	srv := httptest.NewServer(e.Handler())
	b.Cleanup(srv.Close)
	return srv.URL + "/hooks/moysklad/" + secret
}

// acks posts the bodies one after the other and times each answer.
func acks(b *testing.B, url string, bodies []string) []time.Duration {
	lat := make([]time.Duration, 0, len(bodies))
	for i, body := range bodies {
		t0 := time.Now()
		resp, err := http.Post(fmt.Sprintf("%s?requestId=req-%d", url, i), "application/json", strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		lat = append(lat, time.Since(t0))
		if resp.StatusCode != http.StatusNoContent {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	b.StopTimer()
	return lat
}

func BenchmarkWebhookBaseline(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	lat := make([]time.Duration, 0, b.N)
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(stateChange))
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		lat = append(lat, time.Since(t0))
	}
	report(b, lat)
}

func report(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	q := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
	b.ReportMetric(float64(q(0.50).Microseconds()), "p50-µs")
	b.ReportMetric(float64(q(0.99).Microseconds()), "p99-µs")
	b.ReportMetric(float64(q(0.99))/float64(1500*time.Millisecond)*100, "p99-%-of-1500ms")
}

// BenchmarkBulkNotification is the ack time of one notification of a bulk
// status change (moysklad.md §2.2: several events per POST), by its number
// of events: it should grow far slower than the events do.
func BenchmarkBulkNotification(b *testing.B) {
	for _, events := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("events=%d", events), func(b *testing.B) {
			url := edge(b)
			bodies := make([]string, b.N)
			for i := range bodies {
				bodies[i] = bulk(i, events)
			}
			b.ResetTimer()
			report(b, acks(b, url, bodies))
		})
	}
}

// bulk is notification i of a bulk status change of n supplies.
func bulk(i, n int) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, `{"auditContext":{"meta":{"type":"audit","href":"https://api.moysklad.ru/api/remap/1.2/audit/00000000-0000-0000-0000-%012d"},"uid":"staff@acme","moment":"2026-01-23 10:44:23"},"events":[`, i)
	for j := range n {
		if j > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"meta":{"type":"supply","href":"https://api.moysklad.ru/api/remap/1.2/entity/supply/%08d-0000-0000-0000-%012d"},"updatedFields":["state"],"action":"UPDATE","accountId":"021a4ccc-ee91-11ea-0a80-09f000002b18"}`, i, j)
	}
	sb.WriteString(`]}`)
	return sb.String()
}
