package service_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

// BenchmarkInboundFlow runs whole documents — «Передать», task, «Передан»,
// receipt, «Проведён» — against the MoySklad emulator limited like a real
// account with a user token from 2026-12-01: 45 units per 3 s, 4 units a
// request (moysklad.md §5.3), skladflow configured for the same cost. The
// bound is what that limit allows with the requests one document really
// needed in this run; the ratio says how close skladflow gets to it, and
// 429s counts the answers MoySklad would have refused.
func BenchmarkInboundFlow(b *testing.B) {
	const limit, weight, interval = 45, 4, 3 * time.Second
	bb := setup(b, setupOpts{msOpts: moyskladtest.Options{RateLimit: limit, RequestWeight: weight, RateInterval: interval},
		edit: func(c *config.Config) { c.MoySklad.RequestCost = weight }})
	before := len(bb.ms.Requests())
	docs := make([]moysklad.Document, b.N)
	for i := range docs {
		docs[i] = bb.supply(b, fmt.Sprintf("bench %d", i), line{bb.p.kettle, 3}, line{bb.p.mug, 2})
	}
	b.ResetTimer()
	start := time.Now()
	for _, d := range docs {
		require.NoError(b, bb.ms.SetState(moysklad.TypeSupply, d.ID, "Передать"))
	}
	for _, d := range docs {
		bb.waitStatus(b, moysklad.TypeSupply, d.ID, "Передан")
		indoc := bb.row(b, moysklad.TypeSupply, d.ID).IndocID
		_, err := bb.fb.Receive(indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 3}, fboxtest.Line{GoodID: "MG-350", Useful: 1})
		require.NoError(b, err)
	}
	require.NoError(b, bb.svc.PollNow(bb.ctx))
	for _, d := range docs {
		bb.waitStatus(b, moysklad.TypeSupply, d.ID, "Проведён")
	}
	elapsed := time.Since(start)
	b.StopTimer()
	perDoc := float64(len(bb.ms.Requests())-before) / float64(b.N)
	rate := float64(b.N) / elapsed.Seconds()
	bound := float64(limit/weight) / interval.Seconds() / perDoc
	b.ReportMetric(rate, "docs/s")
	b.ReportMetric(perDoc, "requests/doc")
	b.ReportMetric(rate/bound, "ratio-to-limit")
	b.ReportMetric(float64(bb.ms.RateLimited()), "429s")
}

// BenchmarkBulkHandover hands 300 supplies over in one bulk status change
// (one notification with 300 events, as when staff select them in a list
// and set «Передать») and waits until every one is «Передан», against the
// MoySklad emulator limited like a real account (45 units per 3 s,
// moysklad.md §5.3) at request weight 1 (a solution token) and 4 (a user
// token from 2026-12-01), one document a request and batched (list reads
// of up to 100, mass updates of up to 100), with the default workers and
// with more. Run it with -benchtime 1x:
// one-by-one at weight 4 takes minutes by design.
func BenchmarkBulkHandover(b *testing.B) {
	const docs, limit, interval = 300, 45, 3 * time.Second
	type variant struct {
		weight  int
		window  time.Duration
		workers int // 0: the default
	}
	for _, v := range []variant{{1, 0, 0}, {1, config.DefaultBatchWindow, 0}, {4, 0, 0}, {4, config.DefaultBatchWindow, 0},
		{4, config.DefaultBatchWindow, 64}} {
		name := fmt.Sprintf("weight=%d/batch=%s", v.weight, v.window)
		if v.workers > 0 {
			name += fmt.Sprintf("/workers=%d", v.workers)
		}
		b.Run(name, func(b *testing.B) {
			for range b.N {
				bulkHandover(b, docs, v.weight, limit, interval, v.window, v.workers)
			}
		})
	}
}

func bulkHandover(b *testing.B, n, weight, limit int, interval, window time.Duration, workers int) {
	b.StopTimer()
	bb := setup(b, setupOpts{msOpts: moyskladtest.Options{RateLimit: limit, RequestWeight: weight, RateInterval: interval},
		edit: func(c *config.Config) {
			c.MoySklad.RequestCost = weight
			c.MoySklad.BatchWindow = &config.Duration{Duration: window}
			if workers > 0 {
				c.Queue.Workers = workers // more jobs meet at MoySklad and share its requests
			}
		}})
	ids := make([]string, n)
	for i := range ids {
		ids[i] = bb.supply(b, fmt.Sprintf("bulk %d", i), line{bb.p.kettle, 3}, line{bb.p.mug, 2}).ID
	}
	before := len(bb.ms.Requests())
	b.StartTimer()
	start := time.Now()
	require.NoError(b, bb.ms.SetStates(moysklad.TypeSupply, ids, "Передать"))
	for _, id := range ids {
		bb.waitStatusWithin(b, moysklad.TypeSupply, id, "Передан", 10*time.Minute)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	all := bb.ms.Requests()[before:]
	requests := len(all)
	b.ReportMetric(float64(n)/elapsed.Seconds(), "docs/s")
	b.ReportMetric(float64(requests)/float64(n), "requests/doc")
	b.ReportMetric(float64(bb.ms.RateLimited()), "429s")
	b.ReportMetric(float64(bb.ms.MaxPutsPerMinute()), "max-puts/min/doc")
	most := 0
	for _, id := range ids {
		most = max(most, bb.ms.UpdateCount(moysklad.TypeSupply, id))
	}
	b.ReportMetric(float64(most), "max-writes/doc") // one write-back each: «Передан» with its mini-log line
	st := bb.svc.Documents.BatchStats()
	b.Logf("batching: %+v; requests: %v", st, requestKinds(all))
}

// requestKinds counts requests by method and entity type, ids left out:
// where the requests per document go.
func requestKinds(rs []moyskladtest.Request) map[string]int {
	out := map[string]int{}
	for _, r := range rs {
		parts := strings.Split(strings.TrimPrefix(r.Path, "/"), "/")
		kind := r.Method + " " + strings.Join(parts[:min(2, len(parts))], "/")
		if len(parts) > 2 {
			kind += "/…" // an id, or metadata
		}
		out[kind]++
	}
	return out
}

// BenchmarkSingleHandover hands supplies over one at a time — each waits
// until the one before is «Передан» — and reports the latency from
// «Передать» to «Передан», one document a request and batched: alone, a
// document waits at most the batching window per MoySklad request.
func BenchmarkSingleHandover(b *testing.B) {
	const docs = 20
	for _, window := range []time.Duration{0, config.DefaultBatchWindow} {
		b.Run(fmt.Sprintf("batch=%s", window), func(b *testing.B) {
			for range b.N {
				singleHandovers(b, docs, window)
			}
		})
	}
}

func singleHandovers(b *testing.B, n int, window time.Duration) {
	b.StopTimer()
	bb := setup(b, setupOpts{msOpts: moyskladtest.Options{RateLimit: -1},
		edit: func(c *config.Config) { c.MoySklad.BatchWindow = &config.Duration{Duration: window} }})
	ids := make([]string, n)
	for i := range ids {
		ids[i] = bb.supply(b, fmt.Sprintf("single %d", i), line{bb.p.kettle, 3}, line{bb.p.mug, 2}).ID
	}
	// The documents' creation events are worked off first: each handover
	// then finds the service idle.
	require.Eventually(b, func() bool {
		left, err := bb.svc.Store.Unprocessed(bb.ctx, 1)
		return err == nil && len(left) == 0
	}, patience, 10*time.Millisecond)
	b.StartTimer()
	took := make([]time.Duration, n)
	for i, id := range ids {
		start := time.Now()
		require.NoError(b, bb.ms.SetState(moysklad.TypeSupply, id, "Передать"))
		for {
			d, err := bb.ms.Document(moysklad.TypeSupply, id)
			require.NoError(b, err)
			if d.StateName() == "Передан" {
				break
			}
			if time.Since(start) > patience {
				b.Fatalf("document %d not handed over: %q, %q", i, d.StateName(), d.Description)
			}
			time.Sleep(time.Millisecond)
		}
		took[i] = time.Since(start)
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[n/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[n-1].Microseconds())/1000, "max-ms")
}
