package storage_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/storage"
)

// Two stores on one database (two replicas) dispatching the same events at
// once make exactly one job per event. On SQLite the write lock decides; on
// PostgreSQL each takes the rows no one else holds (FOR UPDATE SKIP LOCKED).
func TestConcurrentDispatchMakesOneJobPerEvent(t *testing.T) {
	t.Parallel()
	a := setup(t)
	other, err := storage.Open(a.ctx, storage.Config{Path: a.path})
	require.NoError(t, err)
	t.Cleanup(func() { other.Close() })

	const events = 600
	for i := 0; i < events; i += 10 { // below FanOutAbove: stored as inbox rows at once
		var batch []storage.InboxEvent
		for j := i; j < i+10; j++ {
			batch = append(batch, event(fmt.Sprintf("k%d", j), fmt.Sprintf("d%d", j)))
		}
		n, err := a.store.AcceptEvents(a.ctx, "", "moysklad", batch)
		require.NoError(t, err)
		require.Equal(t, 10, n)
	}

	var wg sync.WaitGroup
	var mu sync.Mutex
	made := 0
	for _, s := range []*storage.Store{a.store, other, a.store, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n, err := s.Dispatch(a.ctx, 7)
				if !assert.NoError(t, err) || n == 0 {
					return
				}
				mu.Lock()
				made += n
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	require.Equal(t, events, made, "the dispatchers together made one job per event")
	left, err := a.store.Undispatched(a.ctx)
	require.NoError(t, err)
	require.Zero(t, left)

	seen := map[string]int{}
	for _, j := range jobs(t, a.store, "process_document") {
		var args storage.ProcessDocumentArgs
		require.NoError(t, json.Unmarshal(j.EncodedArgs, &args))
		seen[args.DocID]++
	}
	require.Len(t, seen, events)
	for id, n := range seen {
		require.Equal(t, 1, n, id)
	}
}

// Replicas starting together both open the database; the schema is
// migrated once (the advisory lock makes the second wait and find it done).
func TestConcurrentOpensMigrateOnce(t *testing.T) {
	t.Parallel()
	if !onPostgres {
		t.Skip("PostgreSQL only: one process owns a SQLite file")
	}
	path := newPath(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := storage.Open(ctx, storage.Config{Path: path})
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	db, err := sql.Open("pgx", path)
	require.NoError(t, err)
	defer db.Close()
	var versions, distinct int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT version) FROM skladflow_migrations`).Scan(&versions, &distinct))
	files, err := os.ReadDir("migrations/postgres")
	require.NoError(t, err)
	require.Equal(t, distinct, versions)
	require.Equal(t, len(files), versions, "every migration applied, each once")
}

// An unreachable PostgreSQL is named in the error, without the password.
func TestOpenUnreachablePostgres(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := storage.Open(ctx, storage.Config{Path: "postgres://skladflow:s3cret@127.0.0.1:1/skladflow?sslmode=disable&connect_timeout=5"})
	require.Error(t, err)
	require.ErrorContains(t, err, "127.0.0.1:1")
	require.NotContains(t, err.Error(), "s3cret")
}

// Two replicas registering one good_id for different items at the same
// moment: one binds it, the other gets ErrGoodTaken — not the unique
// constraint's error, which its caller would retry as a database fault.
func TestConcurrentSaveGoodsOneWinsTheOtherIsTaken(t *testing.T) {
	t.Parallel()
	a := setup(t)
	other, err := storage.Open(a.ctx, storage.Config{Path: a.path})
	require.NoError(t, err)
	t.Cleanup(func() { other.Close() })

	const rounds = 40
	for i := range rounds {
		goodID := fmt.Sprintf("G-%d", i)
		start := make(chan struct{})
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for r, s := range []*storage.Store{a.store, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[r] = s.SaveGoods(a.ctx, storage.Good{Warehouse: "w", AssortmentType: "product",
					AssortmentID: fmt.Sprintf("p%d-%d", i, r), GoodID: goodID, SKU: goodID})
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
				continue
			}
			require.ErrorIs(t, err, storage.ErrGoodTaken, "round %d", i)
		}
		require.Equal(t, 1, won, "round %d: exactly one replica binds %s", i, goodID)
		g, err := a.store.GoodByID(a.ctx, "w", goodID)
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("p%d-%d", i, slices.IndexFunc(errs, func(e error) bool { return e == nil })), g.AssortmentID,
			"the binding is the winner's")
	}
}
