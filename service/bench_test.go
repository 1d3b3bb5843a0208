package service_test

import (
	"fmt"
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
