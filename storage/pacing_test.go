package storage_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/storage"
)

// rounding is what the database's clock may differ from this process' by
// rounding alone: PostgreSQL keeps microseconds, the schedule returns whole
// ones. Both run on this machine's clock.
const rounding = time.Millisecond

// booking is where a start booked by Reserve lies on this process' clock:
// the database read its clock while the call ran, so the start is wait
// after a moment between the call's beginning and its end.
type booking struct {
	low, high time.Time
	seq       int64
}

func reserve(ctx context.Context, t *testing.T, s *storage.Schedule, gap time.Duration) (booking, bool) {
	before := time.Now()
	wait, seq, err := s.Reserve(ctx, gap)
	after := time.Now()
	if !assert.NoError(t, err) {
		return booking{}, false
	}
	return booking{low: before.Add(wait - rounding), high: after.Add(wait + rounding), seq: seq}, true
}

// Two replicas (two stores on one database) booking starts at once get
// distinct starts a whole gap apart, one after another without a gap
// lost, numbered in their order. The gap is far longer than any call can take, so where each start
// lies is known well enough whatever the machine's load; nothing waits for
// the starts.
func TestScheduleSharedByReplicas(t *testing.T) {
	t.Parallel()
	a := setup(t)
	other, err := storage.Open(a.ctx, storage.Config{Path: a.path})
	require.NoError(t, err)
	t.Cleanup(func() { other.Close() })

	const gap, workers, each = time.Minute, 6, 5
	var mu sync.Mutex
	var got []booking
	var wg sync.WaitGroup
	for i := range workers {
		s := []*storage.Store{a.store, other}[i%2].Schedule("moysklad")
		wg.Go(func() {
			for range each {
				b, ok := reserve(a.ctx, t, s, gap)
				if !ok {
					return
				}
				mu.Lock()
				got = append(got, b)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	require.Len(t, got, workers*each)
	slices.SortFunc(got, func(x, y booking) int { return x.low.Compare(y.low) })
	for i := 1; i < len(got); i++ {
		prev, next := got[i-1], got[i]
		require.GreaterOrEqual(t, next.high.Sub(prev.low), gap, "start %d is a gap after the one before", i)
		require.LessOrEqual(t, next.low.Sub(prev.high), gap, "start %d follows the one before without a gap lost", i)
		require.Equal(t, prev.seq+1, next.seq, "start %d is numbered after the one before", i)
	}
	require.EqualValues(t, 1, got[0].seq)
	require.True(t, got[0].low.Before(time.Now()), "the first start is at once")
}

// Defer pushes the next start, booked by another replica, to at least its
// delay from when it ran; it never pulls a start nearer, and each key is a
// schedule of its own.
func TestScheduleDefer(t *testing.T) {
	t.Parallel()
	a := setup(t)
	other, err := storage.Open(a.ctx, storage.Config{Path: a.path})
	require.NoError(t, err)
	t.Cleanup(func() { other.Close() })
	mine, theirs := a.store.Schedule("moysklad"), other.Schedule("moysklad")

	const delay = 10 * time.Minute
	_, ok := reserve(a.ctx, t, mine, time.Millisecond)
	require.True(t, ok)
	before := time.Now()
	require.NoError(t, mine.Defer(a.ctx, delay))
	after := time.Now()
	b, ok := reserve(a.ctx, t, theirs, time.Hour)
	require.True(t, ok)
	require.GreaterOrEqual(t, b.high.Sub(before), delay, "deferred by the whole delay")
	require.LessOrEqual(t, b.low.Sub(after), delay, "deferred by no more than asked")

	// The start after it is an hour later: a shorter Defer changes nothing.
	require.NoError(t, theirs.Defer(a.ctx, time.Microsecond))
	next, ok := reserve(a.ctx, t, mine, time.Hour)
	require.True(t, ok)
	require.GreaterOrEqual(t, next.high.Sub(b.low), time.Hour)

	// Another key has its own schedule: its first start is at once.
	first, ok := reserve(a.ctx, t, other.Schedule("fbox"), time.Hour)
	require.True(t, ok)
	require.True(t, first.low.Before(time.Now()))
}
