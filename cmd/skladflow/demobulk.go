package main

import (
	"context"
	"fmt"
	"time"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/skladflowtest"
)

// demoBulkSize is how many supplies staff hand over at once in the demo.
const demoBulkSize = 100

// demoBulk plays a bulk status change: staff select many supplies in the
// list and set «Передать» on all of them, which MoySklad sends as one
// notification. It shows how few MoySklad requests the batching needed.
func demoBulk(ctx context.Context, o demoOptions, h *skladflowtest.Harness) error {
	cfg, ms, svc := h.Config, h.MoySklad, h.Service
	say := func(format string, args ...any) { fmt.Fprintf(o.Out, format+"\n", args...) }
	say("10. Сотрудник выделяет в списке %d приёмок и ставит им всем статус «%s».", demoBulkSize, cfg.Statuses.Submit)
	ids := make([]string, demoBulkSize)
	for i := range ids {
		d, err := h.Supply(fmt.Sprintf("01%03d", i), "", skladflowtest.Line{Product: h.Products[i%2], Quantity: float64(1 + i%5), Price: 10000})
		if err != nil {
			return err
		}
		ids[i] = d.ID
	}
	requests, stats := len(ms.Requests()), svc.Documents.BatchStats()
	start := time.Now()
	if err := ms.SetStates(moysklad.TypeSupply, ids, cfg.Statuses.Submit); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := h.WaitStatus(ctx, moysklad.TypeSupply, id, cfg.Statuses.Submitted); err != nil {
			return err
		}
	}
	took := time.Since(start)
	after := svc.Documents.BatchStats()
	say("   → все %d в статусе «%s» за %.1f с; запросов к МойСклад: %d (%.2f на документ), из них списков документов %d и массовых изменений %d.",
		demoBulkSize, cfg.Statuses.Submitted, took.Seconds(), len(ms.Requests())-requests,
		float64(len(ms.Requests())-requests)/demoBulkSize, after.ReadRequests-stats.ReadRequests, after.WriteRequests-stats.WriteRequests)
	last, err := ms.Document(moysklad.TypeSupply, ids[len(ids)-1])
	if err != nil {
		return err
	}
	say("   Комментарий последней:")
	say("%s", last.Description)
	return nil
}
