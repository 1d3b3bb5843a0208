package service_test

import (
	"context"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/cdek/cdektest"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/service"
	"github.com/skladflow/skladflow/stdwebhooks"
	"github.com/skladflow/skladflow/storage"
)

// fastRetry retries failed jobs within a second: the schedule is not under test here.
type fastRetry struct{}

func (fastRetry) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(time.Duration(job.Attempt) * 100 * time.Millisecond)
}

type products struct{ kettle, mug, flask, bigFlask, noArticle moysklad.Product }

type bundle struct {
	ctx   context.Context
	ms    *moyskladtest.Server
	fb    *fboxtest.Server
	cd    *cdektest.Server // with setupOpts.cdek
	svc   *service.Service
	cfg   *config.Config
	store moysklad.Store
	other moysklad.Store
	p     products
}

type setupOpts struct {
	msOpts      moyskladtest.Options
	edit        func(*config.Config)
	retryBudget time.Duration
	push        bool // the warehouse pushes to /hooks/fulfillment/{name}
	cdek        *cdektest.Options
}

var pushKey = []byte("push-key-0123456789abcdef-xyz")

func setup(t testing.TB, opts ...setupOpts) *bundle {
	t.Helper()
	var o setupOpts
	if len(opts) > 0 {
		o = opts[0]
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ms := moyskladtest.NewServer(o.msOpts)
	t.Cleanup(ms.Close)
	fbOpts := fboxtest.Options{}
	if o.push {
		fbOpts.PushURL = "http://" + ln.Addr().String() + "/hooks/fulfillment/" + url.PathEscape("БетаПРО")
		fbOpts.PushKey = pushKey
	}
	fb := fboxtest.NewServer(fbOpts)
	t.Cleanup(fb.Close)
	b := &bundle{ctx: ctx, ms: ms, fb: fb}
	b.store = ms.AddStore("Склад БетаПРО")
	b.other = ms.AddStore("Основной склад")
	b.p = products{
		kettle:    ms.AddProduct(moyskladtest.ProductSpec{Name: "Чайник", Article: "KT-1700", Barcodes: []string{"4601234567890"}}),
		mug:       ms.AddProduct(moyskladtest.ProductSpec{Name: "Кружка", Article: "MG-350", Barcodes: []string{"4601234567906"}}),
		flask:     ms.AddProduct(moyskladtest.ProductSpec{Name: "Термос 0,5 л", Article: "TH-500"}),
		bigFlask:  ms.AddProduct(moyskladtest.ProductSpec{Name: "Термос 0,75 л", Article: "TH-750"}),
		noArticle: ms.AddProduct(moyskladtest.ProductSpec{Name: "Ложка", Code: "00017"}),
	}
	b.cfg = &config.Config{
		PublicURL: "http://" + ln.Addr().String(),
		Database:  filepath.Join(t.TempDir(), "skladflow.db"),
		MoySklad: config.MoySklad{BaseURL: ms.URL(), Token: ms.Token(), WebhookSecret: "0123456789abcdef0123",
			IntegrationUID: "skladflow@test"},
		Warehouses: []config.Warehouse{{Name: "БетаПРО", Store: "Склад БетаПРО",
			FBox: config.FBox{BaseURL: fb.URL(), PartnerID: "partner", Password: "secret",
				PollInterval: config.Duration{Duration: time.Hour}}}},
	}
	// As in production, reconciliation recovers a notification MoySklad
	// dropped (the edge may answer 503 when the machine is overloaded).
	b.cfg.MoySklad.ReconcileInterval = config.Duration{Duration: 2 * time.Second}
	if o.push {
		b.cfg.Warehouses[0].CallbackSecret = stdwebhooks.Secret(pushKey)
	}
	if o.cdek != nil {
		b.cd = cdektest.NewServer(*o.cdek)
		t.Cleanup(b.cd.Close)
		b.cfg.CDEK = &config.CDEK{BaseURL: b.cd.URL(), ClientID: b.cd.ClientID(), ClientSecret: b.cd.ClientSecret(),
			WebhookSecret: "cdek-hook-secret-0123456789", TariffCode: 137, ShipmentPoint: "MSK1",
			NumberAttribute: "Трек-номер СДЭК", CheckAfter: config.Duration{Duration: 100 * time.Millisecond},
			PollInterval: config.Duration{Duration: time.Hour}}
	}
	if o.edit != nil {
		o.edit(b.cfg)
	}
	b.cfg.SetDefaults()
	require.NoError(t, b.cfg.Validate())
	log := slog.New(slog.DiscardHandler)
	if os.Getenv("SKLADFLOW_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	b.svc, err = service.New(ctx, b.cfg, service.Options{FetchPollInterval: 50 * time.Millisecond, RetryPolicy: fastRetry{}, Logger: log,
		RetryBudget: o.retryBudget})
	require.NoError(t, err)
	require.NoError(t, b.svc.Start(ctx, ln))
	t.Cleanup(func() {
		sctx, c := context.WithTimeout(context.Background(), 10*time.Second)
		defer c()
		_ = b.svc.Shutdown(sctx)
	})
	_, err = b.svc.Provision(ctx)
	require.NoError(t, err)
	return b
}

type line struct {
	p   moysklad.Product
	qty float64
}

func (b *bundle) supply(t testing.TB, comment string, lines ...line) moysklad.Document {
	t.Helper()
	spec := moyskladtest.DocumentSpec{Name: "00042", Description: comment, Store: b.store.ID}
	for _, l := range lines {
		spec.Positions = append(spec.Positions, moyskladtest.PositionSpec{ProductID: l.p.ID, Quantity: l.qty, Price: 10000})
	}
	d, err := b.ms.CreateDocument(moysklad.TypeSupply, spec)
	require.NoError(t, err)
	return d
}

func (b *bundle) setStatus(t testing.TB, typ, id, status string) {
	t.Helper()
	require.NoError(t, b.ms.SetState(typ, id, status))
}

// waitStatus waits until MoySklad shows the status and returns the document.
func (b *bundle) waitStatus(t testing.TB, typ, id, status string) moysklad.Document {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		d, err := b.ms.Document(typ, id)
		if err == nil && d.StateName() == status {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("status %q not reached; document is in %q with comment:\n%s", status, d.StateName(), d.Description)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitRow waits until skladflow's own record reaches a flow state: it is
// committed just after the MoySklad write.
func (b *bundle) waitRow(t testing.TB, typ, id, state string) {
	t.Helper()
	require.Eventually(t, func() bool {
		r, err := b.svc.Store.Document(b.ctx, typ, id)
		return err == nil && r.State == state
	}, 10*time.Second, 10*time.Millisecond, "flow state %q not reached", state)
}

func (b *bundle) row(t testing.TB, typ, id string) storage.Document {
	t.Helper()
	r, err := b.svc.Store.Document(b.ctx, typ, id)
	require.NoError(t, err)
	return r
}

// receive makes the warehouse report a receipt and skladflow read the feed.
func (b *bundle) receive(t testing.TB, indoc string, lines ...fboxtest.Line) int64 {
	t.Helper()
	id, err := b.fb.Receive(indoc, lines...)
	require.NoError(t, err)
	require.NoError(t, b.svc.PollNow(b.ctx))
	return id
}

func logLines(d moysklad.Document) []string { return minilog.Parse(d.Description).Lines }

func lastLine(t testing.TB, d moysklad.Document) string {
	t.Helper()
	l := logLines(d)
	require.NotEmpty(t, l, "no mini-log in %q", d.Description)
	return l[len(l)-1]
}

func quantities(d moysklad.Document) map[string]float64 {
	out := map[string]float64{}
	for _, p := range d.Rows() {
		out[p.Assortment.Article] += p.Quantity
	}
	return out
}

func TestHappyPath(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc := b.supply(t, "Поставка от ООО Ромашка", line{b.p.kettle, 10}, line{b.p.mug, 24}, line{b.p.kettle, 2})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")

	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	row := b.row(t, moysklad.TypeSupply, doc.ID)
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "submitted")
	require.Contains(t, lastLine(t, d), "Передан на склад БетаПРО: задание "+row.IndocID+", 3 позиции, 36 шт.")
	require.True(t, strings.HasPrefix(d.Description, "Поставка от ООО Ромашка\n"+minilog.Separator+"\n"))

	task, ok := b.fb.SupplyTask(row.IndocID)
	require.True(t, ok)
	require.Equal(t, []fulfillment.TaskItem{{GoodID: "KT-1700", PlanQnt: 12}, {GoodID: "MG-350", PlanQnt: 24}}, task.Items)
	require.Equal(t, "Чайник", task.Goods[0].GoodName)
	require.Equal(t, []fulfillment.EAN{{Mode: "add", Value: "4601234567890"}}, task.Goods[0].EANs)

	outdoc, err := b.fb.ReceiveExact(row.IndocID)
	require.NoError(t, err)
	require.NoError(t, b.svc.PollNow(b.ctx))
	d = b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	require.True(t, d.Applicable)
	require.Len(t, d.Rows(), 3)
	require.Equal(t, map[string]float64{"KT-1700": 12, "MG-350": 24}, quantities(d))
	require.Contains(t, lastLine(t, d), "Оприходовано на складе БетаПРО (док. склада")
	require.Contains(t, lastLine(t, d), "принято 36 из 36 шт., без расхождений")
	require.Eventually(t, func() bool { h, _ := b.fb.Outdoc(outdoc); return h.Locked }, 10*time.Second, 20*time.Millisecond)
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "received")

	tl, err := b.svc.Store.Timeline(b.ctx, moysklad.TypeSupply, doc.ID)
	require.NoError(t, err)
	var kinds []string
	for _, e := range tl {
		kinds = append(kinds, string(e.Kind))
	}
	require.Contains(t, kinds, "decision")
	require.Contains(t, kinds, "call")
	require.Contains(t, kinds, "writeback")
}
