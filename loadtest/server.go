package loadtest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/skladflow/skladflow/storage"
	"github.com/skladflow/skladflow/webhooks"
)

// bodyLimit lets a 10,000-event notification (a few MB) in.
const bodyLimit = 32 << 20

// target is the edge under load, wired as `skladflow serve` wires it
// (service.New, service.Start), with counting workers for the flows.
type target struct {
	store  *storage.Store
	http   *http.Server
	url    string // the MoySklad hook, secret included
	counts *counter
	served chan error
	conns  atomic.Int64 // connections open on the server side
}

// startTarget opens the store at path, starts its workers with the
// document queue paused (documents pile up in flight until resume), and
// serves the edge on a loopback port.
func startTarget(ctx context.Context, path string, maxWorkers int, log *slog.Logger) (*target, error) {
	counts := newCounter()
	store, err := storage.Open(ctx, storage.Config{
		Path:       path,
		Workers:    countingWorkers(counts),
		MaxWorkers: maxWorkers,
		Logger:     log.With("component", "storage"),
	})
	if err != nil {
		return nil, err
	}
	secret := uuid.NewString()
	edge, err := webhooks.New(webhooks.Config{
		MoySkladSecret: secret,
		DocumentTypes:  []string{"supply"},
		BodyLimit:      bodyLimit,
		Ready:          store.Ping,
		Logger:         log.With("component", "http"),
	}, store, nil)
	if err != nil {
		store.Close()
		return nil, err
	}
	if err := store.Start(ctx); err != nil {
		store.Close()
		return nil, err
	}
	t := &target{store: store, counts: counts, served: make(chan error, 1)}
	if err := t.pause(ctx); err != nil {
		t.stop()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0") // loopback only
	if err != nil {
		t.stop()
		return nil, err
	}
	t.url = "http://" + ln.Addr().String() + "/hooks/moysklad/" + secret
	t.http = &http.Server{Handler: edge.Handler(), ReadHeaderTimeout: 10 * time.Second, ConnState: t.connState}
	go func() { t.served <- t.http.Serve(ln) }()
	return t, nil
}

// pause stops the document queue and waits until its producer has
// stopped fetching: River applies a pause asynchronously (over a second
// after the call on a busy start), and a fetch in between would run
// documents the scenarios mean to keep in flight. River creates the
// queue's row when its producer starts, shortly after Start: until then
// pausing finds nothing.
func (t *target) pause(ctx context.Context) error {
	events, cancel := t.store.River().Subscribe(river.EventKindQueuePaused)
	defer cancel()
	deadline := time.After(30 * time.Second)
	for {
		err := t.store.River().QueuePause(ctx, river.QueueDefault, nil)
		if err == nil {
			break
		}
		if !errors.Is(err, rivertype.ErrNotFound) {
			return fmt.Errorf("loadtest: pause the document queue: %w", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline:
			return fmt.Errorf("loadtest: pause the document queue: %w", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline:
			return errors.New("loadtest: the document queue did not pause within 30s")
		case e := <-events:
			if e.Queue != nil && e.Queue.Name == river.QueueDefault {
				return nil
			}
		}
	}
}

// resume lets the documents' jobs run.
func (t *target) resume(ctx context.Context) error {
	if err := t.store.River().QueueResume(ctx, river.QueueDefault, nil); err != nil {
		return fmt.Errorf("loadtest: resume the document queue: %w", err)
	}
	return nil
}

// pending counts jobs not finished yet, of every queue.
func (t *target) pending(ctx context.Context) (int, error) {
	counts, err := t.store.JobCounts(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, st := range []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled, rivertype.JobStatePending} {
		n += counts[string(st)]
	}
	return n, nil
}

// available counts jobs waiting to run: with the document queue paused and
// the fan-out done, the documents in flight.
func (t *target) available(ctx context.Context) (int, error) {
	counts, err := t.store.JobCounts(ctx)
	return counts[string(rivertype.JobStateAvailable)], err
}

// fannedOut waits (bounded) until no fan-out job is left on the ingest
// queue: every acknowledged notification has become its documents' jobs
// (which stay on river.QueueDefault, paused).
func (t *target) fannedOut(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	params := river.NewJobListParams().Queues(storage.QueueIngest).First(1).States(rivertype.JobStateAvailable,
		rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled, rivertype.JobStatePending)
	for {
		res, err := t.store.River().JobList(ctx, params)
		if err != nil {
			return fmt.Errorf("loadtest: list fan-out jobs: %w", err)
		}
		if len(res.Jobs) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("loadtest: fan-out not done after %s", limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (t *target) connState(_ net.Conn, s http.ConnState) {
	switch s {
	case http.StateNew:
		t.conns.Add(1)
	case http.StateClosed, http.StateHijacked:
		t.conns.Add(-1)
	}
}

// connsClosed waits (bounded) until the server has closed every
// connection, so that what they held is not counted as the documents'.
func (t *target) connsClosed(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for t.conns.Load() > 0 {
		if time.Now().After(deadline) {
			return fmt.Errorf("loadtest: %d connections still open after %s", t.conns.Load(), limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

// stop shuts the edge, then the workers, then the database, as
// service.Shutdown does.
func (t *target) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var errs []error
	if t.http != nil {
		errs = append(errs, t.http.Shutdown(ctx))
		if err := <-t.served; !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	errs = append(errs, t.store.Stop(ctx), t.store.Close())
	return errors.Join(errs...)
}
