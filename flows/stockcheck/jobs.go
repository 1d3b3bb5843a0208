package stockcheck

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/skladflow/skladflow/storage"
)

// AddWorkers adds the job that runs the report.
func (c *Checker) AddWorkers(w *river.Workers) {
	river.AddWorker(w, &worker{c: c})
}

// PeriodicJobs run the report every Interval. The job is unique while
// queued or running, so checks never overlap.
func (c *Checker) PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(c.cfg.Interval),
		func() (river.JobArgs, *river.InsertOpts) { return storage.StockCheckArgs{}, nil }, nil)}
}

// worker runs a scheduled or requested check.
type worker struct {
	river.WorkerDefaults[storage.StockCheckArgs]
	c *Checker
}

// Timeout is longer than the queue's default: a check paces its requests
// to both peers' rate limits. River's rescuer honours it, so a long check
// is not taken for a stuck one and run twice.
func (w *worker) Timeout(*river.Job[storage.StockCheckArgs]) time.Duration { return w.c.cfg.JobTimeout }

// Work checks; a warehouse that could not be checked is recorded and
// logged, and waits for the next run rather than being retried at once
// (each check costs both peers' rate-limit units).
func (w *worker) Work(ctx context.Context, _ *river.Job[storage.StockCheckArgs]) error {
	c := w.c
	checks, err := c.Run(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		c.log().Warn("stock check", "err", err)
	}
	for _, chk := range checks {
		if chk.Error == "" {
			if err := c.alert(ctx, chk); err != nil {
				c.log().Warn("stock check alert", "warehouse", chk.Warehouse, "err", err)
			}
		}
	}
	return nil
}
