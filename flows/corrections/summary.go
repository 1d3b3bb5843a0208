package corrections

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/storage"
)

// summaryArgs sends the daily summary of what the warehouses wrote off,
// found and moved.
type summaryArgs struct{}

func (summaryArgs) Kind() string { return "stockdocs_summary" }

// AddWorkers adds the daily summary's worker.
func (f *Flow) AddWorkers(w *river.Workers) {
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, _ *river.Job[summaryArgs]) error {
		return f.Summary(ctx, f.o.Now())
	}))
}

// PeriodicJobs: the summary, once a day at SummaryHour, Moscow time.
func (f *Flow) PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(daily{hour: f.cfg.SummaryHour},
		func() (river.JobArgs, *river.InsertOpts) { return summaryArgs{}, nil }, nil)}
}

// daily is a schedule at an hour of Moscow time.
type daily struct{ hour int }

func (d daily) Next(now time.Time) time.Time {
	t := now.In(fulfillment.Moscow)
	next := time.Date(t.Year(), t.Month(), t.Day(), d.hour, 0, 0, 0, fulfillment.Moscow)
	if !next.After(t) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}

// Summary tells staff, per warehouse, what its corrections and
// long-storage moves booked in the 24 hours before now: one alert per
// warehouse and day, none for a quiet day.
func (f *Flow) Summary(ctx context.Context, now time.Time) error {
	for _, wh := range f.cfg.Feed.Warehouses() {
		ods, err := f.o.Store().OutdocsWithStatus(ctx, wh.Name, storage.OutdocLocked)
		if err != nil {
			return err
		}
		var parts []storage.OutdocPart
		for _, od := range ods {
			if !slices.Contains(types, od.Type) || od.UpdatedAt.Before(now.Add(-24*time.Hour)) {
				continue
			}
			ps, err := f.o.Store().OutdocParts(ctx, wh.Name, od.OutdocID)
			if err != nil {
				return err
			}
			parts = append(parts, ps...)
		}
		text := summaryText(wh.Name, parts)
		if text == "" {
			continue
		}
		day := now.In(fulfillment.Moscow).Format("2006-01-02")
		f.raise(ctx, "stockdocs-summary/"+wh.Name+"/"+day, text)
	}
	return nil
}

// tally is one kind of booking over a day.
type tally struct {
	docs, units int64
	goods       map[string]bool
}

// summaryText sums the applied parts by document type: documents, goods and
// units; "" when there are none.
func summaryText(warehouse string, parts []storage.OutdocPart) string {
	by := map[string]*tally{}
	unknown := map[string]bool{}
	for _, p := range parts {
		var b booked
		if json.Unmarshal(p.Change, &b) != nil {
			continue
		}
		for _, l := range b.Unknown {
			unknown[l.GoodID] = true
		}
		if p.Status != storage.PartApplied {
			continue
		}
		t := by[p.DocType]
		if t == nil {
			t = &tally{goods: map[string]bool{}}
			by[p.DocType] = t
		}
		t.docs++
		for _, l := range b.Booked() {
			t.units += l.Qty
			t.goods[l.GoodID] = true
		}
	}
	if len(by) == 0 && len(unknown) == 0 {
		return ""
	}
	var lines []string
	for _, k := range []struct{ typ, verb string }{{TypeLoss, "списано"}, {"enter", "оприходовано"}, {"move", "перемещено"}} {
		if t := by[k.typ]; t != nil {
			lines = append(lines, fmt.Sprintf("%s %d шт. (товаров: %d, документов: %d)", k.verb, t.units, len(t.goods), t.docs))
		}
	}
	s := fmt.Sprintf("Склад %s за сутки по коррекциям и длительному хранению: ", warehouse)
	if len(lines) == 0 {
		s += "ничего не записано"
	} else {
		s += strings.Join(lines, "; ")
	}
	if len(unknown) > 0 {
		var ids []string
		for id := range unknown {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		s += "; не учтены товары, которых нет в МойСклад: " + strings.Join(ids, ", ")
	}
	return s
}
