package feed

import (
	"context"

	"github.com/riverqueue/river"

	"github.com/skladflow/skladflow/storage"
)

// AddWorkers adds the jobs that read the feeds, apply their documents and
// refresh the warehouses' cards of changed goods.
func (f *Feed) AddWorkers(w *river.Workers) {
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, job *river.Job[storage.RefreshGoodArgs]) error {
		return f.refreshGood(ctx, job.Args)
	}))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, job *river.Job[storage.ApplyOutdocArgs]) error {
		return f.ApplyOutdoc(ctx, job.Args.Warehouse, job.Args.OutdocID)
	}))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, job *river.Job[storage.PollFeedArgs]) error {
		_, err := f.Poll(ctx, job.Args.Warehouse, job.CreatedAt)
		return err
	}))
}

// PeriodicJobs read every warehouse's feed.
func (f *Feed) PeriodicJobs() []*river.PeriodicJob {
	var jobs []*river.PeriodicJob
	for _, w := range f.whs {
		name := w.Name
		jobs = append(jobs, river.NewPeriodicJob(river.PeriodicInterval(w.PollInterval),
			func() (river.JobArgs, *river.InsertOpts) { return storage.PollFeedArgs{Warehouse: name}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}))
	}
	return jobs
}
