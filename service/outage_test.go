package service_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
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
// again by itself, without a restart.
func TestDatabaseOutage(t *testing.T) {
	t.Parallel()
	base := os.Getenv(skladflowtest.PostgresEnv)
	if base == "" {
		t.Skip(skladflowtest.PostgresEnv + " is not set: the outage is played on PostgreSQL")
	}
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
	t.Cleanup(proxy.restore)
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
	proxy.cut()

	status, body := ready()
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.Equal(t, errorAnswer{Error: "not_ready", Message: "database unavailable"}, body)

	// So does /metrics, whose gauges are read from the database.
	mresp, err := client.Get("http://" + b.cfg.Listen + "/metrics")
	require.NoError(t, err, "/metrics must answer while the database is gone")
	mresp.Body.Close()
	require.Equal(t, http.StatusOK, mresp.StatusCode)

	// A notification that cannot be stored is refused, so MoySklad resends.
	hook := `{"events":[{"meta":{"type":"supply","href":"` + b.ms.URL() + `/entity/supply/` + early.ID + `"},` +
		`"action":"UPDATE","accountId":"a"}]}`
	resp, err := client.Post(b.svc.HookURL()+"?requestId=outage-1", "application/json", strings.NewReader(hook))
	require.NoError(t, err)
	status, body = decodeAnswer(t, resp)
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.Equal(t, "store_failed", body.Error)
	require.NotEmpty(t, body.Message)

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
	require.Eventually(t, func() bool { s, _ := ready(); return s == http.StatusOK }, patience, 100*time.Millisecond,
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

// dbProxy forwards TCP connections to the database and plays its outage:
// cut drops every connection and leaves new ones unanswered, as a host
// that went away behind a partition (a ping then waits until its own
// deadline); restore closes those and forwards again.
type dbProxy struct {
	ln     net.Listener
	target string

	mu   sync.Mutex
	down bool
	live map[net.Conn]struct{} // forwarded, both ends
	held map[net.Conn]struct{} // accepted during the outage, unanswered
}

func newDBProxy(t *testing.T, target string) *dbProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &dbProxy{ln: ln, target: target, live: map[net.Conn]struct{}{}, held: map[net.Conn]struct{}{}}
	// Registered before the service's cleanup, so it runs after it: the
	// service shuts down through the proxy.
	t.Cleanup(func() {
		ln.Close()
		p.restore()
		p.mu.Lock()
		defer p.mu.Unlock()
		p.closeAll(p.live)
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
	p.mu.Lock()
	if p.down {
		p.mu.Unlock()
		c.Close()
		s.Close()
		return
	}
	p.live[c], p.live[s] = struct{}{}, struct{}{}
	p.mu.Unlock()
	go func() {
		_, _ = io.Copy(s, c)
		s.Close()
		c.Close()
	}()
	_, _ = io.Copy(c, s)
	c.Close()
	s.Close()
	p.mu.Lock()
	delete(p.live, c)
	delete(p.live, s)
	p.mu.Unlock()
}

func (p *dbProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	p.closeAll(p.live)
}

func (p *dbProxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
	p.closeAll(p.held)
}

// closeAll closes and forgets the connections; the caller holds mu.
func (p *dbProxy) closeAll(conns map[net.Conn]struct{}) {
	for c := range conns {
		c.Close()
		delete(conns, c)
	}
}
