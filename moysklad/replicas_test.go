package moysklad_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/storage"
	"github.com/skladflow/skladflow/storage/storagetest"
)

// replicas is how many processes share one MoySklad account here: each
// runs one request at a time, so together they stay within MoySklad's 5
// parallel requests and any 429 is the rate limit's.
const replicas = 5

// Replicas of one account that book their starts in one schedule in their
// database keep MoySklad's pace together: no 429, and none takes the
// others' requests for its own weight. Each pacing alone, they start five
// times the rate and get 429s (until each takes the others' requests for
// its own weight and slows down). On SQLite always, on PostgreSQL too when
// SKLADFLOW_TEST_POSTGRES is set.
func TestReplicasShareTheRateLimit(t *testing.T) {
	t.Parallel()
	databases := map[string]string{"sqlite": filepath.Join(t.TempDir(), "skladflow.db")}
	if base := os.Getenv("SKLADFLOW_TEST_POSTGRES"); base != "" {
		dsn, drop, err := storagetest.NewSchema(context.Background(), base)
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, drop()) })
		databases["postgres"] = dsn
	}
	for name, path := range databases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, clients := replicasSetup(t, func() moysklad.Schedule {
				s, err := storage.Open(t.Context(), storage.Config{Path: path})
				require.NoError(t, err)
				t.Cleanup(func() { s.Close() })
				return s.Schedule("moysklad")
			})
			replicasWork(t, srv, clients)
			require.Zero(t, srv.RateLimited(), "replicas sharing the schedule")
			for _, c := range clients {
				require.Equal(t, 4, c.Stats().RequestUnits, "the weight is not the replicas' together")
			}
		})
	}
	t.Run("alone", func(t *testing.T) {
		t.Parallel()
		srv, clients := replicasSetup(t, func() moysklad.Schedule { return nil })
		replicasWork(t, srv, clients)
		require.Positive(t, srv.RateLimited(), "replicas each pacing alone")
	})
}

// replicasSetup makes an emulator whose bucket is MoySklad's 45 units at 4
// a request, over 2 s (shorter than MoySklad's 3 s, for a short test; a
// shorter one still would let a loaded machine's scheduling jitter bunch
// paced requests into a burst), and the replicas' clients, each with the
// schedule schedule gives (nil: its own in memory).
func replicasSetup(t *testing.T, schedule func() moysklad.Schedule) (*moyskladtest.Server, []*moysklad.Client) {
	t.Helper()
	srv := moyskladtest.NewServer(moyskladtest.Options{RateLimit: 45, RateInterval: 2 * time.Second, RequestWeight: 4})
	t.Cleanup(srv.Close)
	var clients []*moysklad.Client
	for range replicas {
		c, err := moysklad.NewClient(moysklad.Config{BaseURL: srv.URL(), Token: srv.Token(), RequestCost: 4, MaxInFlight: 1,
			Schedule: schedule(), RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 200 * time.Millisecond})
		require.NoError(t, err)
		clients = append(clients, c)
	}
	return srv, clients
}

// replicasWork has every replica read three times, all at once: alone,
// their first fifteen requests, 60 units, come within a second.
func replicasWork(t *testing.T, srv *moyskladtest.Server, clients []*moysklad.Client) {
	t.Helper()
	store := srv.AddStore("Склад")
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Go(func() {
			for range 3 {
				_, err := c.FindStores(t.Context(), store.Name)
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
}

// failingSchedule books nothing: its database is down.
type failingSchedule struct{ err error }

func (s failingSchedule) Reserve(context.Context, time.Duration) (time.Duration, int64, error) {
	return 0, 0, s.err
}

func (s failingSchedule) Defer(context.Context, time.Duration) error { return s.err }

// farSchedule books every start an hour away, and says when it did.
type farSchedule struct{ booked chan struct{} }

func (s farSchedule) Reserve(context.Context, time.Duration) (time.Duration, int64, error) {
	s.booked <- struct{}{}
	return time.Hour, 1, nil
}

func (s farSchedule) Defer(context.Context, time.Duration) error { return nil }

// A request whose start cannot be booked fails with the schedule's error,
// and reaches MoySklad never: pacing alone instead would let this replica
// exceed the account's limit unseen.
func TestScheduleFailureFailsTheRequest(t *testing.T) {
	t.Parallel()
	srv := moyskladtest.NewServer(moyskladtest.Options{})
	t.Cleanup(srv.Close)
	down := errors.New("database down")
	c, err := moysklad.NewClient(moysklad.Config{BaseURL: srv.URL(), Token: srv.Token(), Schedule: failingSchedule{down},
		RetryMax: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	require.NoError(t, err)
	_, err = c.FindStores(t.Context(), "Склад")
	require.ErrorIs(t, err, moysklad.ErrSchedule)
	require.ErrorIs(t, err, down)
	require.Empty(t, srv.Requests())
}

// Waiting for a booked start ends with the request's context.
func TestScheduleWaitIsCancellable(t *testing.T) {
	t.Parallel()
	srv := moyskladtest.NewServer(moyskladtest.Options{})
	t.Cleanup(srv.Close)
	s := farSchedule{booked: make(chan struct{}, 1)}
	c, err := moysklad.NewClient(moysklad.Config{BaseURL: srv.URL(), Token: srv.Token(), Schedule: s})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-s.booked
		cancel()
	}()
	_, err = c.FindStores(ctx, "Склад")
	require.ErrorIs(t, err, context.Canceled)
	require.Empty(t, srv.Requests())
}
