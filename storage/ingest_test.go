package storage_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/storage"
)

// deliver calls Accept in the background; the answer arrives on the channel.
func deliver(b *bundle, n storage.Notification) <-chan error {
	out := make(chan error, 1)
	go func() {
		_, err := b.store.Accept(b.ctx, n)
		out <- err
	}()
	return out
}

func single(request, doc string) storage.Notification {
	return storage.Notification{Source: "moysklad", RequestID: request, Payload: []byte(`{"events":[…]}`),
		Events: []storage.InboxEvent{event("audit/"+doc, doc)}}
}

// waitIngest waits until the writer holds so many deliveries in its
// transaction and so many more are queued behind it.
func waitIngest(t *testing.T, b *bundle, committing, queued int) {
	t.Helper()
	require.Eventually(t, func() bool {
		return b.store.IngestStats().Committing == int64(committing) && b.store.IngestQueued() == queued
	}, 10*time.Second, time.Millisecond)
}

func TestAcceptCommitsConcurrentDeliveriesTogether(t *testing.T) {
	t.Parallel()
	b := setup(t)
	release := b.store.HoldDatabase(t)
	first := deliver(b, single("r0", "d0"))
	waitIngest(t, b, 1, 0) // the writer holds it, waiting for the database
	var rest []<-chan error
	for i := 1; i < 50; i++ {
		rest = append(rest, deliver(b, single(fmt.Sprintf("r%d", i), fmt.Sprintf("d%d", i))))
	}
	waitIngest(t, b, 1, 49)
	select {
	case err := <-first:
		t.Fatalf("answered before its data was durable: %v", err)
	default:
	}
	release()
	require.NoError(t, <-first)
	for _, r := range rest {
		require.NoError(t, <-r)
	}
	st := b.store.IngestStats()
	require.Equal(t, int64(50), st.Deliveries)
	require.Equal(t, int64(2), st.Batches, "what queued meanwhile is one transaction")
	require.Len(t, jobs(t, b.store, "process_document"), 50)
}

func TestAcceptDeduplicatesWithinOneBatch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	release := b.store.HoldDatabase(t)
	first := deliver(b, single("r0", "d0"))
	waitIngest(t, b, 1, 0)
	again := deliver(b, single("r1", "d1"))
	waitIngest(t, b, 1, 1)
	resent := deliver(b, single("r1", "d1"))  // MoySklad's resend: the same request id
	otherID := deliver(b, single("r2", "d1")) // the same change under another request id
	waitIngest(t, b, 1, 3)
	release()
	for _, c := range []<-chan error{first, again, resent, otherID} {
		require.NoError(t, <-c)
	}
	require.Len(t, jobs(t, b.store, "process_document"), 2, "one job per change")
}

func TestAcceptAnswersOverloadedAtOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, storage.Config{IngestQueue: 2})
	release := b.store.HoldDatabase(t)
	answers := []<-chan error{deliver(b, single("r0", "d0"))}
	waitIngest(t, b, 1, 0)
	answers = append(answers, deliver(b, single("r1", "d1")), deliver(b, single("r2", "d2")))
	waitIngest(t, b, 1, 2)

	_, err := b.store.Accept(b.ctx, single("r3", "d3"))
	require.ErrorIs(t, err, storage.ErrOverloaded)
	require.Equal(t, int64(1), b.store.IngestStats().Overloaded)

	release()
	for _, a := range answers {
		require.NoError(t, <-a)
	}
	_, err = b.store.Accept(b.ctx, single("r3", "d3"))
	require.NoError(t, err, "the resend is taken once there is room")
	require.Len(t, jobs(t, b.store, "process_document"), 4)
}

func TestCloseCommitsWhatIsQueued(t *testing.T) {
	t.Parallel()
	b := setup(t)
	release := b.store.HoldDatabase(t)
	var answers []<-chan error
	for i := range 5 {
		answers = append(answers, deliver(b, single(fmt.Sprintf("r%d", i), fmt.Sprintf("d%d", i))))
	}
	require.Eventually(t, func() bool { return b.store.IngestStats().Pending == 5 }, 10*time.Second, time.Millisecond)
	closed := make(chan error, 1)
	go func() { closed <- b.store.Close() }()
	release()
	require.NoError(t, <-closed)
	for _, a := range answers {
		require.NoError(t, <-a)
	}
	_, err := b.store.Accept(b.ctx, single("r9", "d9"))
	require.ErrorIs(t, err, storage.ErrClosed)

	s, err := storage.Open(b.ctx, storage.Config{Path: b.path})
	require.NoError(t, err)
	defer s.Close()
	n, err := s.InboxCount(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 5, n)
}

// large is a notification of n events, one document each.
func large(request string, n int) storage.Notification {
	out := storage.Notification{Source: "moysklad", RequestID: request, Payload: []byte(`{"events":[…]}`)}
	for i := range n {
		out.Events = append(out.Events, event(fmt.Sprintf("audit/big%d", i), fmt.Sprintf("big%d", i)))
	}
	return out
}

func TestLargeNotificationIsFannedOutOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, storage.Config{FanOutAbove: 10})
	// A change already stored by a small notification is not stored again.
	_, err := b.store.Accept(b.ctx, storage.Notification{Source: "moysklad", RequestID: "small",
		Events: []storage.InboxEvent{event("audit/big3", "big3")}})
	require.NoError(t, err)

	a, err := b.store.Accept(b.ctx, large("big", 25))
	require.NoError(t, err)
	require.Equal(t, storage.Accepted{Deferred: 25}, a)
	require.Len(t, jobs(t, b.store, "process_document"), 1, "the answer wrote one row and one fan-out job")
	fan := jobs(t, b.store, "fan_out_notification")
	require.Len(t, fan, 1)
	require.Equal(t, storage.QueueIngest, fan[0].Queue)
	var args storage.FanOutArgs
	require.NoError(t, json.Unmarshal(fan[0].EncodedArgs, &args))

	require.NoError(t, b.store.FanOut(b.ctx, args.NotificationID))
	require.NoError(t, b.store.FanOut(b.ctx, args.NotificationID), "a second run stores nothing")
	require.Len(t, jobs(t, b.store, "process_document"), 25, "one job per change")
	left, err := b.store.Unprocessed(b.ctx, 100)
	require.NoError(t, err)
	require.Len(t, left, 25)
	require.Equal(t, `{"events":[…]}`, string(left[1].Payload), "the body is kept once, read with each event")

	again, err := b.store.Accept(b.ctx, large("big", 25))
	require.NoError(t, err)
	require.Equal(t, storage.Accepted{Duplicate: 25}, again, "MoySklad's resend")
}

func TestFanOutRunsAfterTheAnswer(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	seen := map[string]int{}
	w := river.NewWorkers()
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, j *river.Job[storage.ProcessDocumentArgs]) error {
		mu.Lock()
		defer mu.Unlock()
		seen[j.Args.DocID]++
		return nil
	}))
	b := setup(t, storage.Config{Workers: w, FanOutAbove: 10})
	require.NoError(t, b.store.Start(b.ctx))
	t.Cleanup(func() { _ = b.store.Stop(context.Background()) })
	_, err := b.store.Accept(b.ctx, large("big", 300))
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) == 300
	}, 60*time.Second, 20*time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	for doc, n := range seen {
		require.Equal(t, 1, n, doc)
	}
}

// BenchmarkAcceptBurst is 1,000 deliveries handed to the writer at once,
// without HTTP: the writer's share of a burst's ack time.
func BenchmarkAcceptBurst(b *testing.B) {
	s, err := storage.Open(context.Background(), storage.Config{Path: filepath.Join(b.TempDir(), "db.sqlite")})
	require.NoError(b, err)
	defer s.Close()
	for i := 0; i < b.N; i++ {
		var wg sync.WaitGroup
		for j := range 1000 {
			wg.Go(func() {
				id := fmt.Sprintf("%d-%d", i, j)
				_, err := s.Accept(context.Background(), storage.Notification{Source: "moysklad", RequestID: id, Payload: make([]byte, 300),
					Events: []storage.InboxEvent{{EventKey: "audit/" + id, DocType: "supply", DocID: id}}})
				if err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
	}
	st := s.IngestStats()
	b.ReportMetric(float64(st.Deliveries)/float64(st.Batches), "deliveries/batch")
}
