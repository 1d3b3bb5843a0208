package storage_test

import (
	"context"
	"database/sql"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/storage"
)

// replicaBundle is two processes on one PostgreSQL database, a raw
// connection to look at it, and one running job and one lease of each.
type replicaBundle struct {
	*bundle
	live *storage.Store // another replica, alive
	raw  *sql.DB
	jobs map[string]int64 // replica → its running job
}

func replicaSetup(t *testing.T) *replicaBundle {
	t.Helper()
	if !onPostgres {
		t.Skip("SQLite: one process per file, whose start clears what the last one left")
	}
	b := setup(t)
	live, err := storage.Open(b.ctx, storage.Config{Path: b.path})
	require.NoError(t, err)
	t.Cleanup(func() { live.Close() })
	raw, err := sql.Open(storage.SQLDriver(b.path))
	require.NoError(t, err)
	t.Cleanup(func() { raw.Close() })

	r := &replicaBundle{bundle: b, live: live, raw: raw, jobs: map[string]int64{}}
	_, err = b.store.AcceptEvents(b.ctx, "", "moysklad", []storage.InboxEvent{event("k1", "1"), event("k2", "2")})
	require.NoError(t, err)
	list := jobs(t, b.store, "process_document")
	require.Len(t, list, 2)
	// A replica that died without a trace but its rows ("ghost"), and a live one.
	for i, replica := range []string{"ghost", live.Replica()} {
		id := list[i].ID
		_, err := raw.Exec(`UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now(),
			attempted_by = ARRAY[$1::text] WHERE id = $2`, replica, id)
		require.NoError(t, err)
		ok, err := b.store.TryLease(b.ctx, storage.DocumentLease("supply", replica), replica+"/job:1")
		require.NoError(t, err)
		require.True(t, ok)
		r.jobs[replica] = id
	}
	return r
}

func (r *replicaBundle) state(t *testing.T, replica string) string {
	t.Helper()
	var state string
	require.NoError(t, r.raw.QueryRow(`SELECT state FROM river_job WHERE id = $1`, r.jobs[replica]).Scan(&state))
	return state
}

func (r *replicaBundle) leased(t *testing.T, replica string) bool {
	t.Helper()
	var n int
	require.NoError(t, r.raw.QueryRow(`SELECT count(*) FROM leases WHERE owner = $1`, replica+"/job:1").Scan(&n))
	return n == 1
}

// A replica that died leaves running jobs and leases: another replica
// queues the jobs again and drops the leases once its mark has been missing
// for the grace period, and leaves a live replica's alone.
func TestDeadReplicaWorkTakenOver(t *testing.T) {
	t.Parallel()
	r := replicaSetup(t)
	at := time.Now()

	n, err := r.store.SweepReplicas(r.ctx, at)
	require.NoError(t, err)
	require.Zero(t, n, "a mark missing once may be a replica reconnecting")
	n, err = r.store.SweepReplicas(r.ctx, at.Add(6*time.Second))
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	require.Equal(t, "available", r.state(t, "ghost"))
	require.False(t, r.leased(t, "ghost"))
	require.Equal(t, "running", r.state(t, r.live.Replica()), "a live replica's job is its own")
	require.True(t, r.leased(t, r.live.Replica()))

	// The live one dies (its connections close, and with them its mark).
	dead := r.live.Replica()
	require.NoError(t, r.live.Close())
	n, err = r.store.SweepReplicas(r.ctx, at.Add(7*time.Second))
	require.NoError(t, err)
	require.Zero(t, n)
	n, err = r.store.SweepReplicas(r.ctx, at.Add(13*time.Second))
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	require.Equal(t, "available", r.state(t, dead))
	require.False(t, r.leased(t, dead))
}

// A replica whose connection to the database is cut loses its mark: the
// jobs it runs are told to stop (Alive is done) before another replica
// may take them over, and the next sweep takes the mark again.
func TestReplicaLosingItsMarkStopsItsJobs(t *testing.T) {
	t.Parallel()
	r := replicaSetup(t)
	alive := r.live.Alive()
	require.NoError(t, alive.Err())

	pid := r.live.LivenessBackend(t)
	_, err := r.raw.Exec(`SELECT pg_terminate_backend($1)`, pid)
	require.NoError(t, err)
	// pg_terminate_backend only signals: the session, and its lock, end a
	// moment later.
	require.Eventually(t, func() bool {
		var n int
		return r.raw.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE pid = $1`, pid).Scan(&n) == nil && n == 0
	}, 5*time.Second, 10*time.Millisecond)
	// The others see it gone at once.
	_, err = r.store.SweepReplicas(r.ctx, time.Now())
	require.NoError(t, err)

	_, err = r.live.SweepReplicas(r.ctx, time.Now())
	require.NoError(t, err)
	require.ErrorIs(t, context.Cause(alive), storage.ErrReplicaLost)
	require.NoError(t, r.live.Alive().Err(), "the mark is held again")

	// Back within the grace: its work stays its own.
	n, err := r.store.SweepReplicas(r.ctx, time.Now().Add(6*time.Second))
	require.NoError(t, err)
	require.EqualValues(t, 1, n, "the ghost's job only")
	require.Equal(t, "running", r.state(t, r.live.Replica()))
}

// Periodic work (the feed poll, reconciliation, …) is scheduled by one
// replica at a time, River's leader: two replicas do not double it, and
// when the leader stops, the other takes the schedule over.
func TestPeriodicWorkOnOneReplica(t *testing.T) {
	t.Parallel()
	const every = 500 * time.Millisecond
	var mu sync.Mutex
	ran := map[string]int{} // replica → runs
	path := newPath(t)
	stores := make([]*storage.Store, 2)
	for i := range stores {
		w := river.NewWorkers()
		var self *storage.Store
		river.AddWorker(w, river.WorkFunc(func(ctx context.Context, j *river.Job[storage.PollFeedArgs]) error {
			mu.Lock()
			defer mu.Unlock()
			ran[self.Replica()]++
			return nil
		}))
		s, err := storage.Open(context.Background(), storage.Config{Path: path, Workers: w, FetchPollInterval: 20 * time.Millisecond,
			PeriodicJobs: []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(every),
				func() (river.JobArgs, *river.InsertOpts) { return storage.PollFeedArgs{Warehouse: "w"}, nil },
				&river.PeriodicJobOpts{RunOnStart: true})}})
		require.NoError(t, err)
		self, stores[i] = s, s
		t.Cleanup(func() { s.Close() })
	}
	total := func() int {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, c := range ran {
			n += c
		}
		return n
	}
	began := time.Now()
	for _, s := range stores {
		require.NoError(t, s.Start(context.Background()))
		t.Cleanup(func() { _ = s.Stop(context.Background()) })
	}
	require.Eventually(t, func() bool { return total() >= 6 }, 60*time.Second, 20*time.Millisecond)
	// Never more runs than the schedule has ticks (slow machines make fewer).
	require.LessOrEqual(t, total(), int(time.Since(began)/every)+2, "the schedule is not doubled")

	raw, err := sql.Open(storage.SQLDriver(path))
	require.NoError(t, err)
	defer raw.Close()
	var leader string
	require.NoError(t, raw.QueryRow(`SELECT leader_id FROM river_leader`).Scan(&leader))
	i := slices.IndexFunc(stores, func(s *storage.Store) bool { return s.Replica() == leader })
	require.NotEqual(t, -1, i, "the leader is one of the two")
	require.NoError(t, stores[i].Stop(context.Background()))
	survivor := stores[1-i].Replica()
	mu.Lock()
	before := ran[survivor]
	mu.Unlock()
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return ran[survivor] >= before+3
	}, 60*time.Second, 20*time.Millisecond, "the other replica keeps the schedule")
}

// A host lost (or cut off) closes no socket: the server would keep its
// session, and its mark, until TCP keepalive gives up, two hours by the
// kernel's defaults. The mark's session has the server probe it after a
// few idle seconds instead, so a lost host's work is taken over as a
// killed process's is.
func TestLivenessSessionProbedWhenSilent(t *testing.T) {
	t.Parallel()
	if !onPostgres {
		t.Skip("SQLite: no replicas")
	}
	b := setup(t)
	require.Equal(t, "6", b.store.LivenessSetting(t, "tcp_keepalives_idle"))
	require.Equal(t, "1", b.store.LivenessSetting(t, "tcp_keepalives_interval"))
	require.Equal(t, "3", b.store.LivenessSetting(t, "tcp_keepalives_count"))
	require.Equal(t, "10000", b.store.LivenessSetting(t, "tcp_user_timeout"), "milliseconds")
}
