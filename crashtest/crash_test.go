package crashtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/cdek/cdektest"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/skladflowtest"
	"github.com/skladflow/skladflow/storage"
)

// Secrets the harness gives the binary: none of them may show in its output.
const (
	token         = "ms-token-6f1d0c2b9e8a"
	webhookSecret = "hook-secret-5b7e2a9c4d1f"
	fboxPassword  = "fbox-pass-8c3a1e7d2b6f"
	cdekHook      = "cdek-hook-3e9f1a7c5b2d"
	cdekSecret    = "cdek-secret-7a2c9e4f1b8d"
)

var secrets = []string{token, webhookSecret, fboxPassword, cdekHook, cdekSecret}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds skladflow once for the package's tests.
func binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "skladflow-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "skladflow")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/skladflow/skladflow/cmd/skladflow").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

type harness struct {
	t       testing.TB
	bin     string
	dir     string
	cfg     string
	env     []string // the secrets the configuration refers to
	db      string
	url     string
	sf      *skladflowtest.Harness
	ms      *moyskladtest.Server
	fb      *fboxtest.Server
	cd      *cdektest.Server
	logs    []string
	secrets map[string]string // environment variable → secret, for the configuration files
	procs   []*proc           // the replicas: one, unless replicate
}

// proc is one skladflow process: its configuration file, its own address
// and, while it runs, its command.
type proc struct {
	cfg, url string
	cmd      *exec.Cmd
}

// setup starts the emulators; more, when given, adds to them and the
// configuration before the binary's configuration file is written.
func setup(t *testing.T, more func(h *harness)) *harness { return setupWith(t, env{more: more}) }

// env is where a harness runs.
type env struct {
	// postgres is a PostgreSQL URL to run on, a schema of its own; empty:
	// the default database (skladflowtest.PostgresEnv, else SQLite).
	postgres string
	// limited turns MoySklad's rate limit on (weight units a request, 45
	// units per 3 s, as a real account); 0: off.
	limited int
	// more changes the emulators and the configuration.
	more func(h *harness)
}

func setupWith(t testing.TB, e env) *harness {
	t.Helper()
	h := &harness{t: t, bin: binary(t), dir: t.TempDir()}
	ms := moyskladtest.Options{Token: token, RateLimit: -1, MaxParallel: 20}
	if e.limited > 0 {
		ms.RateLimit, ms.RequestWeight, ms.RateInterval = 45, e.limited, 3*time.Second
	}
	h.sf = skladflowtest.Start(t, skladflowtest.Options{
		Postgres:  e.postgres,
		NoService: true, // the real binary runs on this configuration
		Dir:       h.dir,
		MoySklad:  ms,
		FBox:      fboxtest.Options{Password: fboxPassword},
		CDEK:      &cdektest.Options{ClientID: "crash-client", ClientSecret: cdekSecret},
		Products: []moyskladtest.ProductSpec{{Name: "Чайник", Article: "KT-1"}, {Name: "Кружка", Article: "MG-1"},
			{Name: "Термос", Article: "TH-1"}},
		Edit: func(c *config.Config) {
			c.MoySklad.WebhookSecret = webhookSecret
			c.MoySklad.IntegrationUID = "" // own writes are told apart by the prefix alone
			c.MoySklad.ReconcileInterval = config.Duration{Duration: time.Second}
			c.Warehouses[0].FBox.PollInterval = config.Duration{Duration: time.Second}
			c.CDEK.WebhookSecret = cdekHook
			c.CDEK.PollInterval = config.Duration{Duration: time.Second}
			c.CDEK.CheckAfter = config.Duration{Duration: 200 * time.Millisecond}
			c.Queue.RetryHorizon = config.Duration{Duration: 10 * time.Minute}
			c.Orders = &config.Orders{DeliveryID: 3}
		},
	})
	h.ms, h.fb, h.cd = h.sf.MoySklad, h.sf.FBox, h.sf.CDEK
	h.url, h.db = h.sf.Config.PublicURL, h.sf.Config.Database
	if e.limited > 0 {
		h.sf.Config.MoySklad.RequestCost = e.limited
	}
	if e.more != nil {
		e.more(h)
	}
	h.cfg = filepath.Join(h.dir, "skladflow.yaml")
	h.secrets = map[string]string{"CRASH_MS_TOKEN": token, "CRASH_WEBHOOK_SECRET": webhookSecret,
		"CRASH_FBOX_PASSWORD": fboxPassword, "CRASH_CDEK_SECRET": cdekSecret, "CRASH_CDEK_HOOK": cdekHook}
	var err error
	h.env, err = h.sf.WriteConfig(h.cfg, h.secrets)
	require.NoError(t, err)
	h.procs = []*proc{{cfg: h.cfg, url: h.url}}
	t.Cleanup(func() { h.stop(syscall.SIGKILL) })
	return h
}

// start runs the binary and waits until it answers.
func (h *harness) start() { h.startReplica(0) }

// startReplica runs replica i and waits until it answers.
func (h *harness) startReplica(i int) {
	h.t.Helper()
	h.waitUp(i, h.launch(i))
}

// launch runs replica i and returns its log's path.
func (h *harness) launch(i int) string {
	h.t.Helper()
	p := h.procs[i]
	logPath := filepath.Join(h.dir, fmt.Sprintf("run-%03d.log", len(h.logs)))
	f, err := os.Create(logPath)
	require.NoError(h.t, err)
	h.logs = append(h.logs, logPath)
	cmd := exec.Command(h.bin, "serve", "--config", p.cfg, "--log-level", "debug")
	cmd.Env = append(os.Environ(), h.env...)
	cmd.Stdout, cmd.Stderr = f, f
	require.NoError(h.t, cmd.Start())
	p.cmd = cmd
	return logPath
}

// waitUp waits until replica i answers.
func (h *harness) waitUp(i int, logPath string) {
	h.t.Helper()
	p := h.procs[i]
	// The first start provisions every status and webhook of every flow
	// (about sixty MoySklad calls, paced as a user token); later starts
	// find them in place.
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(p.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(logPath)
			h.t.Fatalf("skladflow did not come up:\n%s", b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop signals every running replica and waits for it to exit.
func (h *harness) stop(sig syscall.Signal) {
	for i := range h.procs {
		h.stopReplica(i, sig)
	}
}

func (h *harness) stopReplica(i int, sig syscall.Signal) {
	p := h.procs[i]
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(sig)
	_ = p.cmd.Wait()
	p.cmd = nil
}

type doc struct {
	id     string
	want   map[string]float64
	sent   bool
	outdoc int64
}

// order is a customer order the warehouse ships during the run.
type order struct {
	id, number string
	sent       bool
	shipped    bool
}

// shipment is a demand handed to CDEK during the run.
type shipment struct {
	id, number string
	sent       bool
	step       int // CDEK statuses given so far
}

func indocOf(id string) string { return "MS-" + strings.ReplaceAll(id, "-", "") }

func TestCrashSafety(t *testing.T) {
	t.Parallel()
	kills := 6
	if v := os.Getenv("SKLADFLOW_CRASH_KILLS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err)
		kills = n
	}
	h := setup(t, nil)
	r := newCrashRun(h, kills)
	stopActing := r.act()
	h.start() // creates the statuses the staff need
	for k := 0; k < kills; k++ {
		time.Sleep(time.Duration(50+rand.IntN(700)) * time.Millisecond)
		h.stop(syscall.SIGKILL)
		h.start()
	}
	r.settle(90 * time.Second)
	stopActing()
	h.stop(syscall.SIGTERM)
	r.verify()
	t.Logf("crash run: %d kills, %d supplies, %d CDEK shipments, %d customer orders, %d runs, all consistent",
		kills, len(r.docs), len(r.ships), len(r.orders), len(h.logs))
}

// crashRun is the crash tests' scenario: supplies, CDEK shipments and
// customer orders handed over by staff and worked by the warehouse and
// CDEK while skladflow is killed, sized by the number of kills.
type crashRun struct {
	h      *harness
	mu     sync.Mutex // guards docs, ships, orders
	docs   []*doc
	ships  []*shipment
	orders []*order
}

func newCrashRun(h *harness, kills int) *crashRun {
	t := h.t
	r := &crashRun{h: h}
	store, kettle, mug := h.sf.Store, h.sf.Products[0], h.sf.Products[1]

	r.docs = make([]*doc, max(6, kills/4))
	for i := range r.docs {
		d, err := h.ms.CreateDocument(moysklad.TypeSupply, moyskladtest.DocumentSpec{Name: fmt.Sprint(i), Store: store.ID,
			Description: "Поставка " + fmt.Sprint(i),
			Positions:   []moyskladtest.PositionSpec{{ProductID: kettle.ID, Quantity: 10}, {ProductID: mug.ID, Quantity: 5}}})
		require.NoError(t, err)
		// The warehouse will find one kettle short and two thermoses that were not ordered.
		r.docs[i] = &doc{id: d.ID, want: map[string]float64{"KT-1": 9, "MG-1": 5, "TH-1": 2}}
	}

	other := h.sf.Other
	buyer := h.ms.AddCounterparty(moyskladtest.CounterpartySpec{Name: "Иванов Иван", Phone: "+79990000000"})
	r.ships = make([]*shipment, max(3, kills/8))
	for i := range r.ships {
		d, err := h.ms.CreateDocument(moysklad.TypeDemand, moyskladtest.DocumentSpec{Name: fmt.Sprintf("d%d", i), Store: other.ID,
			Agent: buyer.ID, Description: "Заказ " + fmt.Sprint(i), ShipmentAddress: &moysklad.Address{City: "Москва", Street: "ул Тверская", House: "1"},
			Positions: []moyskladtest.PositionSpec{{ProductID: kettle.ID, Quantity: 1}}})
		require.NoError(t, err)
		r.ships[i] = &shipment{id: d.ID, number: fmt.Sprintf("MS-d%d", i)}
	}

	// Customer orders reserved at the warehouse, which has the goods: a
	// kettle and two mugs each, shipped in batches (one orders_shipment
	// for several orders).
	r.orders = make([]*order, max(4, kills/6))
	h.fb.AddStock("KT-1", int32(len(r.orders)), 0)
	h.fb.AddStock("MG-1", int32(2*len(r.orders)), 0)
	for i := range r.orders {
		d, err := h.ms.CreateDocument(moysklad.TypeCustomerOrder, moyskladtest.DocumentSpec{Name: fmt.Sprintf("o%d", i), Store: store.ID,
			Agent: buyer.ID, Description: "Заказ с сайта " + fmt.Sprint(i), Applicable: true,
			ShipmentAddress: &moysklad.Address{City: "Москва", Street: "ул Тверская", House: "1"},
			Positions:       []moyskladtest.PositionSpec{{ProductID: kettle.ID, Quantity: 1}, {ProductID: mug.ID, Quantity: 2}}})
		require.NoError(t, err)
		r.orders[i] = &order{id: d.ID, number: fmt.Sprintf("o%d", i)}
	}
	return r
}

// act has staff, the warehouse and CDEK act until the returned stop is
// called.
func (r *crashRun) act() (stop func()) {
	h := r.h
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		for ctx.Err() == nil {
			r.mu.Lock()
			for _, d := range r.docs {
				if !d.sent {
					d.sent = h.ms.SetState(moysklad.TypeSupply, d.id, "Передать") == nil
					break // one command at a time, spread over the kills
				}
				if _, ok := h.fb.SupplyTask(indocOf(d.id)); ok && d.outdoc == 0 {
					d.outdoc, _ = h.fb.Receive(indocOf(d.id), fboxtest.Line{GoodID: "KT-1", Useful: 9},
						fboxtest.Line{GoodID: "MG-1", Useful: 5}, fboxtest.Line{GoodID: "TH-1", Useful: 2})
				}
			}
			for _, sh := range r.ships {
				if !sh.sent {
					sh.sent = h.ms.SetState(moysklad.TypeDemand, sh.id, "Передать в СДЭК") == nil
					break
				}
				// CDEK carries a parcel once its order is validated, pushing each status once.
				if o, ok := h.cd.OrderByNumber(sh.number); ok && o.CDEKNumber != "" && sh.step < 2 {
					code, name := "RECEIVED_AT_SHIPMENT_WAREHOUSE", "Принят на склад отправителя"
					if sh.step == 1 {
						code, name = "DELIVERED", "Вручен"
					}
					if h.cd.Advance(o.UUID, code, name, "Москва") == nil {
						sh.step++
					}
				}
			}
			// The warehouse takes the orders it holds into production and
			// ships those in production together.
			var ready []string
			for _, o := range r.orders {
				if !o.sent {
					o.sent = h.ms.SetState(moysklad.TypeCustomerOrder, o.id, "Передать на склад") == nil
					break
				}
				switch _, stage, ok := h.fb.Order(o.number); {
				case ok && stage == fboxtest.StagePool:
					h.fb.ProcessOrders()
				case ok && stage == fboxtest.StageProduction && !o.shipped:
					ready = append(ready, o.number)
				}
			}
			if len(ready) > 0 {
				if _, err := h.fb.ShipOrders(nil, ready...); err == nil {
					for _, o := range r.orders {
						o.shipped = o.shipped || slices.Contains(ready, o.number)
					}
				}
			}
			r.mu.Unlock()
			time.Sleep(30 * time.Millisecond)
		}
	})
	return func() {
		cancel()
		wg.Wait()
	}
}

// settle waits until every document reached its outcome, and names the
// first that did not when it gives up.
func (r *crashRun) settle(within time.Duration) {
	h := r.h
	var why string
	done := func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		for _, d := range r.docs {
			got, err := h.ms.Document(moysklad.TypeSupply, d.id)
			if err != nil || got.StateName() != "Проведён" || d.outdoc == 0 {
				why = fmt.Sprintf("supply %s: %q (sent %v, receipt %d), err %v:\n%s", got.Name, got.StateName(), d.sent, d.outdoc, err, got.Description)
				return false
			}
			if hd, _ := h.fb.Outdoc(d.outdoc); !hd.Locked {
				why = fmt.Sprintf("supply %s: receipt %d not locked", got.Name, d.outdoc)
				return false
			}
		}
		for _, sh := range r.ships {
			if got, err := h.ms.Document(moysklad.TypeDemand, sh.id); err != nil || got.StateName() != "Доставлен" {
				why = fmt.Sprintf("shipment %s: %q (sent %v, CDEK step %d), err %v:\n%s", got.Name, got.StateName(), sh.sent, sh.step, err, got.Description)
				return false
			}
		}
		for _, o := range r.orders {
			if got, err := h.ms.Document(moysklad.TypeCustomerOrder, o.id); err != nil || got.StateName() != "Отгружен" {
				why = fmt.Sprintf("order %s: %q (sent %v, shipped %v), err %v:\n%s", got.Name, got.StateName(), o.sent, o.shipped, err, got.Description)
				return false
			}
		}
		return true
	}
	if !assert.Eventually(h.t, done, within, 100*time.Millisecond) {
		h.t.Fatalf("not every document reached its outcome; the first that did not: %s", why)
	}
}

// verify checks, once every process stopped, that each document was
// worked exactly once, no event was left, and no secret was written.
func (r *crashRun) verify() {
	h, t := r.h, r.h.t
	require.Len(t, h.fb.SupplyTasks(), len(r.docs), "one warehouse task per document")
	for _, d := range r.docs {
		got, err := h.ms.Document(moysklad.TypeSupply, d.id)
		require.NoError(t, err)
		require.True(t, got.Applicable)
		require.Equal(t, d.want, skladflowtest.Quantities(got), "positions applied exactly once")
		log := minilog.Parse(got.Description)
		require.Equal(t, "Поставка "+got.Name, log.Staff)
		require.Equal(t, 1, count(log.Lines, "Передан на склад"), "one «Передан» line:\n%s", got.Description)
		require.Equal(t, 1, count(log.Lines, "Оприходовано на складе"), "one receipt line:\n%s", got.Description)
	}

	require.Equal(t, len(r.ships), h.cd.Creates(), "one CDEK order per shipment")
	for _, sh := range r.ships {
		got, err := h.ms.Document(moysklad.TypeDemand, sh.id)
		require.NoError(t, err)
		log := minilog.Parse(got.Description)
		require.Equal(t, 1, count(log.Lines, "Передан в СДЭК: заказ №"), "one «Передан в СДЭК» line:\n%s", got.Description)
		require.Equal(t, 1, count(log.Lines, "СДЭК: Вручен"), "one delivery line:\n%s", got.Description)
		o, _ := h.cd.OrderByNumber(sh.number)
		require.Equal(t, string(o.CDEKNumber), got.Attributes[0].Value)
	}

	require.Len(t, h.fb.OrderIDs(), len(r.orders), "one warehouse order per customer order")
	for _, o := range r.orders {
		got, err := h.ms.Document(moysklad.TypeCustomerOrder, o.id)
		require.NoError(t, err)
		require.Len(t, got.Demands, 1, "one demand per order:\n%s", got.Description)
		demand, err := h.ms.Document(moysklad.TypeDemand, got.Demands[0].Meta.ID())
		require.NoError(t, err)
		require.True(t, demand.Applicable)
		require.Equal(t, map[string]float64{"KT-1": 1, "MG-1": 2}, skladflowtest.Quantities(demand))
		log := minilog.Parse(got.Description)
		require.Equal(t, 1, count(log.Lines, "Передан на склад"), "one «Передан на склад» line:\n%s", got.Description)
		require.Equal(t, 1, count(log.Lines, "Отгружен складом"), "one shipment line:\n%s", got.Description)
	}

	s, err := storage.Open(context.Background(), storage.Config{Path: h.db})
	require.NoError(t, err)
	defer s.Close()
	left, err := s.Unprocessed(context.Background(), 10)
	require.NoError(t, err)
	require.Empty(t, left, "no inbox event left unprocessed")

	// Nor in what support and the operator read: comments and timelines.
	for _, d := range r.docs {
		got, err := h.ms.Document(moysklad.TypeSupply, d.id)
		require.NoError(t, err)
		tl, err := s.Timeline(context.Background(), moysklad.TypeSupply, d.id)
		require.NoError(t, err)
		text := got.Description
		for _, e := range tl {
			text += "\n" + e.Message + "\n" + e.Detail
		}
		for _, secret := range secrets {
			require.NotContains(t, text, secret)
		}
	}

	// Secrets never show in what skladflow wrote, across every run.
	for _, p := range h.logs {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		for _, secret := range secrets {
			require.NotContains(t, string(b), secret, "secret in %s", p)
		}
	}
}

func count(lines []string, substr string) int {
	n := 0
	for _, l := range lines {
		if strings.Contains(l, substr) {
			n++
		}
	}
	return n
}
