package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/skladflow/skladflow/storage"
)

type processWorker struct {
	river.WorkerDefaults[storage.ProcessDocumentArgs]
	o *Orchestrator
}

func (w *processWorker) Work(ctx context.Context, job *river.Job[storage.ProcessDocumentArgs]) error {
	return w.o.documentJob(ctx, job.JobRow, job.Args.DocType, job.Args.DocID, w.o.ProcessDocument)
}

type rerunWorker struct {
	river.WorkerDefaults[storage.RerunDocumentArgs]
	o *Orchestrator
}

func (w *rerunWorker) Work(ctx context.Context, job *river.Job[storage.RerunDocumentArgs]) error {
	return w.o.documentJob(ctx, job.JobRow, job.Args.DocType, job.Args.DocID, w.o.Rerun)
}

// documentJob runs a step on one document as its only writer.
func (o *Orchestrator) documentJob(ctx context.Context, job *rivertype.JobRow, typ, id string,
	step func(ctx context.Context, typ, id string, lastTry bool) error) error {
	lastTry := o.pastHorizon(job.CreatedAt)
	err := o.withLease(ctx, docKey(typ, id), jobOwner(job), func() error {
		return step(ctx, typ, id, lastTry)
	})
	if errors.Is(err, errPending) {
		// CDEK validates an order in seconds, rarely in minutes: look again
		// soon, then less often, without using up attempts.
		wait := max(o.cfg.Delivery.Config.CheckAfter.Duration, o.cfg.Now().Sub(job.CreatedAt)/4)
		return river.JobSnooze(min(wait, time.Minute))
	}
	return o.queueAnswer(err)
}

type applyWorker struct {
	river.WorkerDefaults[storage.ApplyOutdocArgs]
	o *Orchestrator
}

func (w *applyWorker) Work(ctx context.Context, job *river.Job[storage.ApplyOutdocArgs]) error {
	lastTry := w.o.pastHorizon(job.CreatedAt)
	ctx = withOwner(ctx, jobOwner(job.JobRow))
	return w.o.queueAnswer(w.o.ApplyOutdoc(ctx, job.Args.Warehouse, job.Args.OutdocID, lastTry))
}

type pollWorker struct {
	river.WorkerDefaults[storage.PollFeedArgs]
	o *Orchestrator
}

func (w *pollWorker) Work(ctx context.Context, job *river.Job[storage.PollFeedArgs]) error {
	_, err := w.o.PollFeed(ctx, job.Args.Warehouse, job.CreatedAt)
	return w.o.queueAnswer(err)
}

type pollDeliveriesWorker struct {
	river.WorkerDefaults[PollDeliveriesArgs]
	o *Orchestrator
}

func (w *pollDeliveriesWorker) Work(ctx context.Context, _ *river.Job[PollDeliveriesArgs]) error {
	n, err := w.o.PollDeliveries(ctx)
	if n > 0 {
		w.o.log.Debug("deliveries queued for a check", "count", n)
	}
	return w.o.queueAnswer(err)
}

// errBusy means another job holds the document: try again shortly.
var errBusy = errors.New("orchestrator: document busy")

// leaseTTL outlives the longest job run (storage's JobTimeout), so a lease
// expires only when its holder died.
const leaseTTL = 5 * time.Minute

func docKey(typ, id string) string { return "doc:" + typ + "/" + id }

func jobOwner(j *rivertype.JobRow) string { return fmt.Sprintf("job:%d", j.ID) }

type ownerKey struct{}

func withOwner(ctx context.Context, owner string) context.Context {
	return context.WithValue(ctx, ownerKey{}, owner)
}

// withLease runs fn as the only writer of a document.
func (o *Orchestrator) withLease(ctx context.Context, key, owner string, fn func() error) error {
	ok, err := o.store.TryLease(ctx, key, owner, leaseTTL)
	if err != nil {
		return err
	}
	if !ok {
		return errBusy
	}
	defer func() {
		if err := o.store.ReleaseLease(context.WithoutCancel(ctx), key, owner); err != nil {
			o.log.Error("release lease", "key", key, "err", err)
		}
	}()
	return fn()
}

// errFinal marks an error that retrying will not fix.
var errFinal = errors.New("final")

// pastHorizon reports whether a job has been retried for longer than the
// horizon: its next failure is final.
func (o *Orchestrator) pastHorizon(created time.Time) bool {
	return o.cfg.Now().Sub(created) > o.cfg.RetryHorizon
}

// queueAnswer turns a step's error into the queue's answer: temporary
// errors are retried with backoff, final ones cancel the job.
func (o *Orchestrator) queueAnswer(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errBusy):
		return river.JobSnooze(50*time.Millisecond + rand.N(100*time.Millisecond))
	case errors.Is(err, errFinal) || !temporary(err):
		return river.JobCancel(err)
	}
	return fmt.Errorf("will retry: %w", err)
}
