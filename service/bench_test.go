package service_test

import (
	"fmt"
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
// of up to 100, mass updates of up to 100). Run it with -benchtime 1x:
// one-by-one at weight 4 takes minutes by design.
func BenchmarkBulkHandover(b *testing.B) {
	const docs, limit, interval = 300, 45, 3 * time.Second
	for _, weight := range []int{1, 4} {
		for _, window := range []time.Duration{0, config.DefaultBatchWindow} {
			b.Run(fmt.Sprintf("weight=%d/batch=%s", weight, window), func(b *testing.B) {
				for range b.N {
					bulkHandover(b, docs, weight, limit, interval, window)
				}
			})
		}
	}
}

func bulkHandover(b *testing.B, n, weight, limit int, interval, window time.Duration) {
	b.StopTimer()
	bb := setup(b, setupOpts{msOpts: moyskladtest.Options{RateLimit: limit, RequestWeight: weight, RateInterval: interval},
		edit: func(c *config.Config) {
			c.MoySklad.RequestCost = weight
			c.MoySklad.BatchWindow = &config.Duration{Duration: window}
			c.Queue.Workers = 16 // jobs that meet at MoySklad share its requests
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
			kind += "/…"
		}
		out[kind]++
	}
	return out
}
