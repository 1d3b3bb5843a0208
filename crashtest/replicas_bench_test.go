package crashtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/storage"
)

// BenchmarkReplicas hands 300 supplies over in one bulk status change to
// 1 and 3 replicas on one PostgreSQL database, against MoySklad limited as
// a real account (weight 4, 45 units per 3 s): the account's limit bounds
// the rate, and the replicas together must keep to it (429s). The kill
// variant SIGKILLs one of three replicas a third of the way through and
// reports how long its running jobs took to continue elsewhere.
//
//	SKLADFLOW_TEST_POSTGRES=postgres://… go test ./crashtest -run '^$' -bench Replicas -benchtime 1x
func BenchmarkReplicas(b *testing.B) {
	pg := postgres(b)
	for _, v := range []struct {
		replicas int
		kill     bool
	}{{1, false}, {3, false}, {3, true}} {
		name := fmt.Sprintf("replicas=%d", v.replicas)
		if v.kill {
			name += "/kill"
		}
		b.Run(name, func(b *testing.B) {
			for range b.N {
				replicaHandover(b, pg, v.replicas, v.kill)
			}
		})
	}
}

func replicaHandover(b *testing.B, pg string, replicas int, kill bool) {
	b.StopTimer()
	const n, weight = 300, 4
	h := setupWith(b, env{postgres: pg, limited: weight})
	h.replicate(replicas)
	logs := h.startTogether()
	ids := make([]string, n)
	for i := range ids {
		d, err := h.ms.CreateDocument(moysklad.TypeSupply, moyskladtest.DocumentSpec{Name: fmt.Sprintf("bulk %d", i), Store: h.sf.Store.ID,
			Positions: []moyskladtest.PositionSpec{{ProductID: h.sf.Products[0].ID, Quantity: 3}}})
		require.NoError(b, err)
		ids[i] = d.ID
	}
	db, err := sql.Open(storage.SQLDriver(h.db))
	require.NoError(b, err)
	defer db.Close()

	before, limited := len(h.ms.Requests()), h.ms.RateLimited()
	b.StartTimer()
	start := time.Now()
	require.NoError(b, h.ms.SetStates(moysklad.TypeSupply, ids, "Передать"))
	var failover time.Duration
	killed := !kill
	for done := 0; done < n; {
		done = 0
		for _, id := range ids {
			if d, err := h.ms.Document(moysklad.TypeSupply, id); err == nil && d.StateName() == "Передан" {
				done++
			}
		}
		if !killed && done >= n/3 {
			failover, killed = killReplica(b, h, db, logs[1]), true
		}
		require.Less(b, time.Since(start), 10*time.Minute, "%d of %d handed over", done, n)
		time.Sleep(50 * time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	h.stop(syscall.SIGTERM)
	b.ReportMetric(float64(n)/elapsed.Seconds(), "docs/s")
	b.ReportMetric(float64(len(h.ms.Requests())-before)/n, "requests/doc")
	b.ReportMetric(float64(h.ms.RateLimited()-limited), "429s")
	if kill {
		b.ReportMetric(failover.Seconds(), "failover-s")
	}
}

var clientID = regexp.MustCompile(`"client_id":"([^"]+)"`)

// killReplica SIGKILLs replica 1 and returns how long its running jobs
// took to be queued again for the others (their documents continue).
func killReplica(b *testing.B, h *harness, db *sql.DB, logPath string) time.Duration {
	raw, err := os.ReadFile(logPath)
	require.NoError(b, err)
	m := clientID.FindSubmatch(raw)
	require.NotNil(b, m, "River logs its client id at start")
	id := string(m[1])
	running := func() int {
		var c int
		require.NoError(b, db.QueryRowContext(context.Background(), `SELECT count(*) FROM river_job
			WHERE state = 'running' AND attempted_by[cardinality(attempted_by)] = $1`, id).Scan(&c))
		return c
	}
	held := running()
	at := time.Now()
	h.stopReplica(1, syscall.SIGKILL)
	for running() > 0 {
		require.Less(b, time.Since(at), 10*time.Minute)
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(at)
	b.Logf("replica %s killed holding %d running jobs; queued again for the others after %v", id, held, took.Round(10*time.Millisecond))
	return took
}
