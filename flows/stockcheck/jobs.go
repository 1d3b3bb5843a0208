package stockcheck

import (
	"context"

	"github.com/riverqueue/river"

	"github.com/skladflow/skladflow/storage"
)

// AddWorkers adds the job that runs the report.
func (c *Checker) AddWorkers(w *river.Workers) {
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, _ *river.Job[storage.StockCheckArgs]) error {
		return c.runAndAlert(ctx)
	}))
}

// PeriodicJobs run the report every Interval. The job is unique while
// queued or running, so checks never overlap.
func (c *Checker) PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(c.cfg.Interval),
		func() (river.JobArgs, *river.InsertOpts) { return storage.StockCheckArgs{}, nil }, nil)}
}

// runAndAlert is a scheduled or requested check: a warehouse that could
// not be checked is recorded and logged, and waits for the next run
// rather than being retried at once (each check costs both peers'
// rate-limit units).
func (c *Checker) runAndAlert(ctx context.Context) error {
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
