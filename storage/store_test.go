package storage_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/storage"
)

type bundle struct {
	ctx   context.Context
	path  string
	store *storage.Store
}

func setup(t *testing.T, cfg ...storage.Config) *bundle {
	t.Helper()
	var c storage.Config
	if len(cfg) > 0 {
		c = cfg[0]
	}
	if c.Path == "" {
		c.Path = newPath(t)
	}
	c.FetchPollInterval = 20 * time.Millisecond
	s, err := storage.Open(context.Background(), c)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return &bundle{ctx: context.Background(), path: c.Path, store: s}
}

func event(key, id string) storage.InboxEvent {
	return storage.InboxEvent{EventKey: key, DocType: "supply", DocID: id}
}

// jobs lists the jobs of a kind, any state, once the events stored so far
// have theirs (the serving process's dispatcher makes them after the
// answer).
func jobs(t *testing.T, s *storage.Store, kind string) []*rivertype.JobRow {
	t.Helper()
	_, err := s.Dispatch(context.Background(), 1_000_000)
	require.NoError(t, err)
	res, err := s.River().JobList(context.Background(), river.NewJobListParams().Kinds(kind).States(
		rivertype.JobStateAvailable, rivertype.JobStateScheduled, rivertype.JobStateRunning, rivertype.JobStateCompleted,
		rivertype.JobStateRetryable, rivertype.JobStatePending).First(1000))
	require.NoError(t, err)
	return res.Jobs
}

func TestOpenTwiceMigratesOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.store.Close())
	s, err := storage.Open(b.ctx, storage.Config{Path: b.path})
	require.NoError(t, err)
	require.NoError(t, s.Ping(b.ctx))
	require.NoError(t, s.Close())
	_, err = storage.Open(b.ctx, storage.Config{})
	require.ErrorContains(t, err, "Path is required")
}

func TestAcceptEventsDeduplicates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n, err := b.store.AcceptEvents(b.ctx, "r1", "moysklad", []storage.InboxEvent{event("a1", "d1"), event("a2", "d2")})
	require.NoError(t, err)
	require.Equal(t, 2, n)
	require.Len(t, jobs(t, b.store, "process_document"), 2, "a job per stored event")

	n, err = b.store.AcceptEvents(b.ctx, "r1", "moysklad", []storage.InboxEvent{event("a3", "d3")})
	require.NoError(t, err)
	require.Zero(t, n, "a request id seen before stores nothing")

	n, err = b.store.AcceptEvents(b.ctx, "r2", "moysklad", []storage.InboxEvent{event("a1", "d1"), event("a4", "d1")})
	require.NoError(t, err)
	require.Equal(t, 1, n, "the same event under another request id is skipped")

	count, err := b.store.InboxCount(b.ctx)
	require.NoError(t, err)
	require.Equal(t, 3, count)
	require.Len(t, jobs(t, b.store, "process_document"), 3)
}

func TestMarkProcessed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	old := event("a1", "d1")
	old.ReceivedAt = time.Now().Add(-time.Minute)
	_, err := b.store.AcceptEvents(b.ctx, "", "moysklad", []storage.InboxEvent{old, event("a2", "d1"), event("a3", "d2")})
	require.NoError(t, err)
	require.NoError(t, b.store.MarkProcessed(b.ctx, "supply", "d1", time.Now().Add(-30*time.Second)))
	left, err := b.store.Unprocessed(b.ctx, 10)
	require.NoError(t, err)
	require.Len(t, left, 2)
	require.Equal(t, "a2", left[0].EventKey, "an event after upTo stays for its own run")
	require.Equal(t, "a3", left[1].EventKey)
}

func TestWorkersRunJobs(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []string
	w := river.NewWorkers()
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, j *river.Job[storage.ProcessDocumentArgs]) error {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, j.Args.DocID)
		return nil
	}))
	b := setup(t, storage.Config{Workers: w})
	require.NoError(t, b.store.Start(b.ctx))
	t.Cleanup(func() { _ = b.store.Stop(context.Background()) })
	_, err := b.store.AcceptEvents(b.ctx, "r1", "moysklad", []storage.InboxEvent{event("a1", "d1")})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) == 1 && seen[0] == "d1"
	}, 10*time.Second, 10*time.Millisecond)
}

func TestJobsSurviveReopen(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.store.AcceptEvents(b.ctx, "r1", "moysklad", []storage.InboxEvent{event("a1", "d1")})
	require.NoError(t, err)
	require.NoError(t, b.store.Close())

	done := make(chan string, 1)
	w := river.NewWorkers()
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, j *river.Job[storage.ProcessDocumentArgs]) error {
		done <- j.Args.DocID
		return nil
	}))
	s, err := storage.Open(b.ctx, storage.Config{Path: b.path, Workers: w, FetchPollInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Start(b.ctx))
	defer s.Stop(context.Background())
	select {
	case id := <-done:
		require.Equal(t, "d1", id)
	case <-time.After(10 * time.Second):
		t.Fatal("the job queued before the restart never ran")
	}
}

func TestUpdateVersionsAndRollsBack(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.store.Document(b.ctx, "supply", "d1")
	require.ErrorIs(t, err, storage.ErrNotFound)

	d, err := b.store.Update(b.ctx, "supply", "d1", func(tx *storage.Tx, d *storage.Document) error {
		require.Zero(t, d.Version)
		d.State, d.IndocID, d.Name = "submitting", "MS-1", "00042"
		return tx.AddTimeline(storage.TimelineEntry{DocType: "supply", DocID: "d1", Kind: "decision", Message: "передаю"})
	})
	require.NoError(t, err)
	require.EqualValues(t, 1, d.Version)

	boom := errors.New("boom")
	_, err = b.store.Update(b.ctx, "supply", "d1", func(tx *storage.Tx, d *storage.Document) error {
		d.State = "submitted"
		require.NoError(t, tx.AddTimeline(storage.TimelineEntry{DocType: "supply", DocID: "d1", Kind: "x", Message: "lost"}))
		return boom
	})
	require.ErrorIs(t, err, boom)

	got, err := b.store.Document(b.ctx, "supply", "d1")
	require.NoError(t, err)
	require.Equal(t, "submitting", got.State, "a failed update changes nothing")
	require.EqualValues(t, 1, got.Version)
	byIndoc, err := b.store.DocumentByIndoc(b.ctx, "MS-1")
	require.NoError(t, err)
	require.Equal(t, "d1", byIndoc.ID)
	tl, err := b.store.Timeline(b.ctx, "supply", "d1")
	require.NoError(t, err)
	require.Len(t, tl, 1, "the timeline entry of the failed update was rolled back")
	require.Equal(t, "передаю", tl[0].Message)

	list, err := b.store.Documents(b.ctx, storage.DocumentFilter{State: "submitting"})
	require.NoError(t, err)
	require.Len(t, list, 1)

	// Handed to the warehouse again under a new number: the old one still
	// finds the document (its warehouse documents may yet come).
	_, err = b.store.Update(b.ctx, "supply", "d1", func(_ *storage.Tx, d *storage.Document) error {
		d.IndocID = "MS-1-2"
		return nil
	})
	require.NoError(t, err)
	for _, key := range []string{"MS-1", "MS-1-2"} {
		byIndoc, err := b.store.DocumentByIndoc(b.ctx, key)
		require.NoError(t, err, key)
		require.Equal(t, "d1", byIndoc.ID, key)
	}
	_, err = b.store.DocumentByIndoc(b.ctx, "MS-2")
	require.ErrorIs(t, err, storage.ErrNotFound)
}

func TestConcurrentUpdatesSerialize(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := b.store.Update(b.ctx, "supply", "d1", func(_ *storage.Tx, d *storage.Document) error {
				d.Attempt++
				return nil
			})
			require.NoError(t, err)
		}()
	}
	wg.Wait()
	d, err := b.store.Document(b.ctx, "supply", "d1")
	require.NoError(t, err)
	require.Equal(t, 8, d.Attempt)
	require.EqualValues(t, 8, d.Version)
}

func TestAcceptOutdocs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	part := int32(1)
	ods := []storage.Outdoc{{OutdocID: 1, Type: "goods_supply", IndocID: "MS-1", PartNum: &part}, {OutdocID: 2, Type: "goods_supply", IndocID: "MS-1"}}
	n, err := b.store.AcceptOutdocs(b.ctx, "w", ods)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	require.NoError(t, b.store.UpdateOutdoc(b.ctx, "w", 1, func(o *storage.Outdoc) error {
		o.Status, o.Body = storage.OutdocLocked, []byte(`{}`)
		return nil
	}))
	n, err = b.store.AcceptOutdocs(b.ctx, "w", ods)
	require.NoError(t, err)
	require.Equal(t, 1, n, "seen again in the feed: only the one not yet done is queued again")
	require.Len(t, jobs(t, b.store, "apply_outdoc"), 3)
	got, err := b.store.OutdocsByIndoc(b.ctx, "MS-1")
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, storage.OutdocLocked, got[0].Status)
	require.Equal(t, int32(1), *got[0].PartNum)
	require.Nil(t, got[1].PartNum)
	_, err = b.store.Outdoc(b.ctx, "w", 3)
	require.ErrorIs(t, err, storage.ErrNotFound)

	n, err = b.store.RequestRevert(b.ctx, "w", []int64{1, 2, 99})
	require.NoError(t, err)
	require.Equal(t, 1, n, "only an applied outdoc can be reverted")
	od, err := b.store.Outdoc(b.ctx, "w", 1)
	require.NoError(t, err)
	require.Equal(t, storage.OutdocRevert, od.Status)
}

func TestLease(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ok, err := b.store.TryLease(b.ctx, "doc:supply/1", "job:1")
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = b.store.TryLease(b.ctx, "doc:supply/1", "job:2")
	require.NoError(t, err)
	require.False(t, ok, "one writer per document")
	ok, err = b.store.TryLease(b.ctx, "doc:supply/1", "job:1")
	require.NoError(t, err)
	require.True(t, ok, "the holder renews")
	require.NoError(t, b.store.ReleaseLease(b.ctx, "doc:supply/1", "job:1"))
	ok, err = b.store.TryLease(b.ctx, "doc:supply/1", "job:2")
	require.NoError(t, err)
	require.True(t, ok, "a released lease is free")
}

// The lease is derived from the job timeout: it lapses only after a job
// could no longer be running.
func TestLeaseLapsesAfterTwiceTheJobTimeout(t *testing.T) {
	t.Parallel()
	b := setup(t, storage.Config{JobTimeout: 200 * time.Millisecond, RescueStuckJobsAfter: time.Minute})
	ok, err := b.store.TryLease(b.ctx, "doc:supply/1", "job:1")
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = b.store.TryLease(b.ctx, "doc:supply/1", "job:2")
	require.NoError(t, err)
	require.False(t, ok, "held while the job may still run")
	time.Sleep(450 * time.Millisecond) // the lease's own clock: it must lapse
	ok, err = b.store.TryLease(b.ctx, "doc:supply/1", "job:2")
	require.NoError(t, err)
	require.True(t, ok, "an expired lease (its holder died) is taken over")
}

// Two replicas on one database race for the same document: one wins; when
// the winner dies holding it, the other takes it over once the lease has
// lapsed, never before.
func TestLeaseAcrossReplicas(t *testing.T) {
	t.Parallel()
	// A lease of 2 s: closing the winner, slow on a loaded machine, takes
	// far less.
	cfg := storage.Config{JobTimeout: time.Second, RescueStuckJobsAfter: time.Minute}
	b := setup(t, cfg)
	cfg.Path = b.path
	other, err := storage.Open(b.ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { other.Close() })

	var won sync.Map
	var wg sync.WaitGroup
	for i := range 20 {
		s := b.store
		if i%2 == 1 {
			s = other
		}
		wg.Go(func() {
			owner := fmt.Sprintf("replica%d:job%d", i%2, i)
			ok, err := s.TryLease(b.ctx, "doc:supply/1", owner)
			assert.NoError(t, err)
			if ok {
				won.Store(owner, i%2)
			}
		})
	}
	wg.Wait()
	var winners []string
	var replica int
	won.Range(func(k, v any) bool {
		winners, replica = append(winners, k.(string)), v.(int)
		return true
	})
	require.Len(t, winners, 1, "one writer per document across replicas")

	// The winning replica dies holding the lease.
	survivor := b.store
	if replica == 0 {
		require.NoError(t, b.store.Close())
		survivor = other
	} else {
		require.NoError(t, other.Close())
	}
	ok, err := survivor.TryLease(b.ctx, "doc:supply/1", "survivor:job")
	require.NoError(t, err)
	require.False(t, ok, "held while the dead replica's job could still be running")
	require.Eventually(t, func() bool {
		ok, err := survivor.TryLease(b.ctx, "doc:supply/1", "survivor:job")
		return err == nil && ok
	}, 10*time.Second, 20*time.Millisecond, "taken over once lapsed")
}

func BenchmarkAcceptEvents(b *testing.B) {
	s, err := storage.Open(context.Background(), storage.Config{Path: filepath.Join(b.TempDir(), "db")})
	require.NoError(b, err)
	defer s.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		key := time.Now().String() + string(rune(i))
		if _, err := s.AcceptEvents(context.Background(), key, "moysklad", []storage.InboxEvent{event(key, "d")}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestDeliveryRoundTrip(t *testing.T) {
	t.Parallel()
	b := setup(t)
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	_, err := b.store.Update(b.ctx, "demand", "d1", func(_ *storage.Tx, d *storage.Document) error {
		d.Flow, d.State = "cdek", "in_delivery"
		d.Delivery = storage.Delivery{OrderNumber: "MS-00001", OrderUUID: "u-1", TrackNumber: "1107000001", Status: "CREATED", StatusAt: at}
		return nil
	})
	require.NoError(t, err)
	got, err := b.store.DocumentByOrder(b.ctx, "u-1")
	require.NoError(t, err)
	require.Equal(t, "d1", got.ID)
	require.Equal(t, "1107000001", got.Delivery.TrackNumber)
	require.True(t, at.Equal(got.Delivery.StatusAt))
	_, err = b.store.DocumentByOrder(b.ctx, "u-2")
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = b.store.DocumentByOrder(b.ctx, "")
	require.ErrorIs(t, err, storage.ErrNotFound)
}

func TestQueuedDocumentsAreThoseNoJobHolds(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, e := range []storage.InboxEvent{event("k1", "a"), event("k2", "b"), event("k3", "c"), event("k4", "a"),
		{EventKey: "k5", DocType: "demand", DocID: "d"}} {
		_, err := b.store.AcceptEvents(b.ctx, "", "moysklad", []storage.InboxEvent{e})
		require.NoError(t, err)
	}
	require.NoError(t, b.store.MarkProcessed(b.ctx, "supply", "b", time.Now()))
	ok, err := b.store.TryLease(b.ctx, storage.DocumentLease("supply", "c"), "job:1")
	require.NoError(t, err)
	require.True(t, ok)

	ids, err := b.store.QueuedDocuments(b.ctx, "supply", 10)
	require.NoError(t, err)
	require.Equal(t, []string{"a"}, ids, "b is done, c is being worked on, d is another type")

	require.NoError(t, b.store.ReleaseLease(b.ctx, storage.DocumentLease("supply", "c"), "job:1"))
	ids, err = b.store.QueuedDocuments(b.ctx, "supply", 10)
	require.NoError(t, err)
	require.Equal(t, []string{"a", "c"}, ids, "oldest event first, each document once")
}
