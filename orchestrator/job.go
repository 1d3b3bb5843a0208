package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

type jobKey struct{}

// jobInfo is what the machinery knows of the job a step runs in.
type jobInfo struct {
	owner   string // the lease owner
	created time.Time
	lastTry bool // past the retry horizon: a temporary failure is final
}

// work wraps every job (River worker middleware): it tells the steps who
// they run as and whether this is their last try, and turns what they
// return into the queue's answer.
func (o *Orchestrator) work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	ctx = context.WithValue(ctx, jobKey{}, jobInfo{owner: fmt.Sprintf("job:%d", job.ID), created: job.CreatedAt,
		lastTry: o.cfg.Now().Sub(job.CreatedAt) > o.cfg.RetryHorizon})
	// A replica that lost its mark in the database stops its jobs: another
	// replica is about to take them and their leases over.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	alive := o.store.Alive()
	defer context.AfterFunc(alive, func() { cancel(context.Cause(alive)) })()
	return o.answer(doInner(ctx))
}

func infoOf(ctx context.Context) jobInfo {
	info, ok := ctx.Value(jobKey{}).(jobInfo)
	if !ok { // called outside a job (a test, a command): one run, no retries
		info = jobInfo{owner: fmt.Sprintf("run:%d", rand.Uint64()), lastTry: true}
	}
	return info
}

// LastTry reports whether the job running ctx has been retried longer than
// the retry horizon: its temporary failures are final.
func LastTry(ctx context.Context) bool { return infoOf(ctx).lastTry }

// JobAge is how long ago the job running ctx was first queued.
func JobAge(ctx context.Context, now time.Time) time.Duration {
	if c := infoOf(ctx).created; !c.IsZero() {
		return now.Sub(c)
	}
	return 0
}

// answer turns a step's error into the queue's: a busy document and a
// peer that has not answered yet are looked at again soon, temporary
// errors are retried with backoff, final ones cancel the job.
func (o *Orchestrator) answer(err error) error {
	var later *LaterError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrBusy):
		return river.JobSnooze(50*time.Millisecond + rand.N(100*time.Millisecond))
	case errors.As(err, &later):
		return river.JobSnooze(later.After)
	case errors.Is(err, ErrFinal) || !Temporary(err):
		return river.JobCancel(err)
	}
	return fmt.Errorf("will retry: %w", err)
}
