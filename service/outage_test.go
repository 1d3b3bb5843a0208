package service_test

import (
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/skladflowtest"
	"github.com/skladflow/skladflow/storage"
)

// outage is how long the database stays away in TestDatabaseOutage:
// longer than River's leadership TTL (its ElectInterval 5 s + 10 s).
const outage = 16 * time.Second

// Issue 15: while PostgreSQL is gone /readyz says so and no notification
// is acknowledged that is not stored; when it is back the service works
// again by itself, without a restart. Two ways to go: the server restarts
// (its connections are reset), or it vanishes (its connections go silent
// for good, as when it fails over to another host, and only new
// connections reach the database again).
func TestDatabaseOutage(t *testing.T) {
	t.Parallel()
	base := os.Getenv(skladflowtest.PostgresEnv)
	if base == "" {
		t.Skip(skladflowtest.PostgresEnv + " is not set: the outage is played on PostgreSQL")
	}
	t.Run("restarted", func(t *testing.T) { t.Parallel(); testDatabaseOutage(t, base, false) })
	t.Run("vanished", func(t *testing.T) { t.Parallel(); testDatabaseOutage(t, base, true) })
}

func testDatabaseOutage(t *testing.T, base string, vanish bool) {
	u, err := url.Parse(base)
	require.NoError(t, err)
	proxy := newDBProxy(t, u.Host)
	b := setup(t, setupOpts{edit: func(c *config.Config) {
		// The service reaches its schema through the proxy.
		d, err := url.Parse(c.Database)
		require.NoError(t, err)
		d.Host = proxy.addr()
		c.Database = d.String()
	}})
	// Should the test fail during the outage, the service must still shut
	// down: the database comes back first (cleanups run last-in first).
	t.Cleanup(proxy.release)
	// Generous: what is checked is that an answer comes at all (the
	// ready check is bounded to 2 s), not how fast.
	client := &http.Client{Timeout: 15 * time.Second}
	ready := func() (int, errorAnswer) {
		resp, err := client.Get("http://" + b.cfg.Listen + "/readyz")
		require.NoError(t, err, "/readyz must answer while the database is gone")
		return decodeAnswer(t, resp)
	}
	status, _ := ready()
	require.Equal(t, http.StatusOK, status)

	early := b.supply(t, "", line{b.p.kettle, 2})
	proxy.cut(vanish)

	// A notification that cannot be stored is refused, so MoySklad resends.
	// It comes first: the writer then meets a pooled connection of the server
	// that vanished.
	hook := `{"events":[{"meta":{"type":"supply","href":"` + b.ms.URL() + `/entity/supply/` + early.ID + `"},` +
		`"action":"UPDATE","accountId":"a"}]}`
	resp, err := client.Post(b.svc.HookURL()+"?requestId=outage-1", "application/json", strings.NewReader(hook))
	require.NoError(t, err)
	status, body := decodeAnswer(t, resp)
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.Equal(t, "store_failed", body.Error)
	require.NotEmpty(t, body.Message)

	status, body = ready()
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.Equal(t, errorAnswer{Error: "not_ready", Message: "database unavailable"}, body)

	// /metrics answers too, though its gauges are read from the database.
	mresp, err := client.Get("http://" + b.cfg.Listen + "/metrics")
	require.NoError(t, err, "/metrics must answer while the database is gone")
	mresp.Body.Close()
	require.Equal(t, http.StatusOK, mresp.StatusCode)

	// Staff hand a document over meanwhile: MoySklad's own deliveries of
	// that change are refused too (or time out), never acknowledged.
	b.setStatus(t, moysklad.TypeSupply, early.ID, "Передать")
	require.Eventually(t, func() bool { return len(deliveriesOf(b, early.ID)) > 0 }, patience, 20*time.Millisecond)
	// Then MoySklad gives up on the subscription, and a document handed
	// over now is notified to no one: only the reconciliation, a periodic
	// job, can find it once the database is back.
	b.ms.DisableWebhooks()
	missed := b.supply(t, "", line{b.p.flask, 1})
	b.setStatus(t, moysklad.TypeSupply, missed.ID, "Передать")
	// The outage outlasts River's leadership: the leader steps down, and
	// the periodic jobs must come back with a new election.
	time.Sleep(outage)
	for _, d := range deliveriesOf(b, early.ID) {
		require.NotContains(t, []int{http.StatusOK, http.StatusNoContent}, d.Status, "acknowledged while the database was gone: %+v", d)
	}

	proxy.restore()
	require.Eventually(t, func() bool {
		// Not ready(): require must not end the test from this goroutine.
		resp, err := client.Get("http://" + b.cfg.Listen + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, patience, 100*time.Millisecond,
		"/readyz stays failed after the database came back")
	// The documents handed over during the outage are not lost, and one
	// handed over now goes through: the job queue works again.
	b.waitStatus(t, moysklad.TypeSupply, early.ID, "Передан")
	b.waitStatus(t, moysklad.TypeSupply, missed.ID, "Передан")
	tl, err := b.svc.Store.Timeline(b.ctx, moysklad.TypeSupply, missed.ID)
	require.NoError(t, err)
	require.True(t, slices.ContainsFunc(tl, func(e storage.TimelineEntry) bool { return e.Kind == storage.KindReconcile }),
		"found by the reconciliation")
	late := b.supply(t, "", line{b.p.mug, 3})
	b.setStatus(t, moysklad.TypeSupply, late.ID, "Передать")
	b.waitStatus(t, moysklad.TypeSupply, late.ID, "Передан")
}

// errorAnswer is the JSON body of the edge's answers.
type errorAnswer struct {
	Status  string `json:"status"`
	Error   string `json:"error"`
	Message string `json:"message"`
}

func decodeAnswer(t *testing.T, resp *http.Response) (int, errorAnswer) {
	t.Helper()
	defer resp.Body.Close()
	require.Equal(t, "application/json", strings.Split(resp.Header.Get("Content-Type"), ";")[0])
	var a errorAnswer
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&a))
	return resp.StatusCode, a
}

// deliveriesOf are the emulator's delivery attempts of notifications
// about the document.
func deliveriesOf(b *bundle, id string) []moyskladtest.Delivery {
	var out []moyskladtest.Delivery
	for _, d := range b.ms.Deliveries() {
		if strings.Contains(string(d.Body), id) {
			out = append(out, d)
		}
	}
	return out
}

// dbProxy forwards TCP connections to the database and plays its outage.
// During one, new connections are accepted and left unanswered, as by a
// host that went away behind a partition (a ping then waits until its own
// deadline); restore closes those and forwards new ones again.
type dbProxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	down  bool
	links map[*link]struct{} // forwarded, or frozen by a vanished server
	held  map[net.Conn]struct{}
}

// link is one forwarded connection. A frozen link swallows what either
// side sends: the old server's address answers nothing any more.
type link struct {
	client, server net.Conn
	frozen         atomic.Bool
}

func (l *link) close() {
	l.client.Close()
	l.server.Close()
}

func newDBProxy(t *testing.T, target string) *dbProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &dbProxy{ln: ln, target: target, links: map[*link]struct{}{}, held: map[net.Conn]struct{}{}}
	// Registered before the service's cleanup, so it runs after it: the
	// service shuts down through the proxy.
	t.Cleanup(func() {
		ln.Close()
		p.release()
	})
	go p.serve()
	return p
}

func (p *dbProxy) addr() string { return p.ln.Addr().String() }

func (p *dbProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.forward(c)
	}
}

func (p *dbProxy) forward(c net.Conn) {
	p.mu.Lock()
	if p.down {
		p.held[c] = struct{}{}
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	l := &link{client: c, server: s}
	p.mu.Lock()
	if p.down {
		p.mu.Unlock()
		l.close()
		return
	}
	p.links[l] = struct{}{}
	p.mu.Unlock()
	go pipe(l, s, c)
	pipe(l, c, s)
	p.mu.Lock()
	delete(p.links, l)
	p.mu.Unlock()
}

// pipe copies src to dst until either ends, dropping what comes while the
// link is frozen.
func pipe(l *link, dst, src net.Conn) {
	defer l.close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !l.frozen.Load() {
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// cut takes the database away: its connections are reset, or, when it
// vanishes, they go silent and stay so after restore.
func (p *dbProxy) cut(vanish bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for l := range p.links {
		if vanish {
			l.frozen.Store(true)
			continue
		}
		l.close()
		delete(p.links, l)
	}
}

// restore lets new connections reach the database again.
func (p *dbProxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
	for c := range p.held {
		c.Close()
		delete(p.held, c)
	}
}

// release restores the database and closes every connection, the frozen
// ones too, so that the service can shut down whatever the test left.
func (p *dbProxy) release() {
	p.restore()
	p.mu.Lock()
	defer p.mu.Unlock()
	for l := range p.links {
		l.close()
		delete(p.links, l)
	}
}
