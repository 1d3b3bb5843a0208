package crashtest

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/skladflowtest"
)

// postgres is the PostgreSQL the replicas share, or a skip.
func postgres(t testing.TB) string {
	t.Helper()
	u := cmp.Or(os.Getenv(skladflowtest.PostgresEnv), os.Getenv("SKLADFLOW_TEST_POSTGRES"))
	if u == "" {
		t.Skipf("replicas share a PostgreSQL database: set %s or SKLADFLOW_TEST_POSTGRES", skladflowtest.PostgresEnv)
	}
	return u
}

// replicate makes n replicas of the configuration, each on an address of
// its own, behind a round-robin proxy on the public URL: what MoySklad,
// the warehouse and CDEK call, the way a load balancer would take them.
func (h *harness) replicate(n int) {
	h.t.Helper()
	h.procs = nil
	var backends []*url.URL
	for i := range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(h.t, err)
		addr := ln.Addr().String()
		require.NoError(h.t, ln.Close())
		h.sf.Config.Listen = addr
		p := &proc{cfg: filepath.Join(h.dir, fmt.Sprintf("skladflow-%d.yaml", i)), url: "http://" + addr}
		_, err = h.sf.WriteConfig(p.cfg, h.secrets)
		require.NoError(h.t, err)
		h.procs = append(h.procs, p)
		u, _ := url.Parse(p.url)
		backends = append(backends, u)
	}
	pub, err := url.Parse(h.url)
	require.NoError(h.t, err)
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", pub.Port()))
	require.NoError(h.t, err)
	srv := &http.Server{Handler: &roundRobin{backends: backends}, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	h.t.Cleanup(func() { srv.Close() })
}

// startTogether starts every replica at once and waits until each
// answers; it returns their logs' paths.
func (h *harness) startTogether() []string {
	h.t.Helper()
	logs := make([]string, len(h.procs))
	for i := range h.procs {
		logs[i] = h.launch(i)
	}
	for i := range h.procs {
		h.waitUp(i, logs[i])
	}
	return logs
}

// roundRobin hands each request to the next replica, and to the one after
// when a replica does not take it (killed): a load balancer's retry on a
// connection error. Every endpoint behind it is idempotent (webhooks by
// their request id), so a request a replica died answering may go again.
type roundRobin struct {
	backends []*url.URL
	next     atomic.Uint64
	client   http.Client
}

func (p *roundRobin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for range 3 * len(p.backends) {
		b := p.backends[p.next.Add(1)%uint64(len(p.backends))]
		out, err := http.NewRequestWithContext(r.Context(), r.Method, b.String()+r.URL.RequestURI(), bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		out.Header = r.Header.Clone()
		resp, err := p.client.Do(out)
		if err != nil {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
		resp.Body.Close()
		return
	}
	http.Error(w, "no replica answered", http.StatusBadGateway)
}

// Three replicas on one PostgreSQL database behind one address, one of
// them SIGKILLed at random moments and restarted: the same invariants as
// the single process's crash test (every document in its outcome state,
// one warehouse task, CDEK order and demand each, one mini-log line of
// each kind, no event left, no secret written).
func TestReplicasSurviveKills(t *testing.T) {
	t.Parallel()
	pg := postgres(t)
	kills := 6
	if v := os.Getenv("SKLADFLOW_REPLICA_KILLS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err)
		kills = n
	}
	h := setupWith(t, env{postgres: pg})
	h.replicate(3)
	r := newCrashRun(h, kills)
	stopActing := r.act()
	h.startTogether() // they take turns preparing MoySklad
	for k := 0; k < kills; k++ {
		time.Sleep(time.Duration(50+rand.IntN(700)) * time.Millisecond)
		i := rand.IntN(len(h.procs))
		h.stopReplica(i, syscall.SIGKILL)
		h.startReplica(i)
	}
	r.settle(120 * time.Second)
	stopActing()
	h.stop(syscall.SIGTERM)
	r.verify()
	for _, p := range h.logs {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		require.NotContains(t, string(b), "MoySklad not prepared", p)
	}
	t.Logf("replicas run: 3 replicas, %d kills, %d supplies, %d CDEK shipments, %d customer orders, %d process runs, all consistent",
		kills, len(r.docs), len(r.ships), len(r.orders), len(h.logs))
}
