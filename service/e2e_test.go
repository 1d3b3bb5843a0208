package service_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/cdek/cdektest"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/service"
	"github.com/skladflow/skladflow/skladflowtest"
	"github.com/skladflow/skladflow/storage"
)

// patience is how long a test waits for a state it expects: a failure
// only ever costs it, and a loaded CI machine (2 cores, -race, the whole
// suite in parallel) has taken more than 10 s to show a correct state.
const patience = 30 * time.Second

type products struct{ kettle, mug, flask, bigFlask, noArticle moysklad.Product }

// bundle is what a test here works with: the installation skladflowtest
// builds, under the short names the tests use.
type bundle struct {
	ctx   context.Context
	h     *skladflowtest.Harness
	ms    *moyskladtest.Server
	fb    *fboxtest.Server
	cd    *cdektest.Server // with setupOpts.cdek
	svc   *service.Service
	cfg   *config.Config
	store moysklad.Store
	other moysklad.Store
	p     products

	phoneOnce sync.Once // serialSupply's product
	phone     moysklad.Product
}

type setupOpts struct {
	msOpts      moyskladtest.Options
	edit        func(*config.Config)
	retryBudget time.Duration
	push        bool // the warehouse pushes to /hooks/fulfillment/{name}
	second      bool // a second warehouse (FBox2, Store2)
	cdek        *cdektest.Options
}

func setup(t testing.TB, opts ...setupOpts) *bundle {
	t.Helper()
	var o setupOpts
	if len(opts) > 0 {
		o = opts[0]
	}
	h := skladflowtest.Start(t, skladflowtest.Options{MoySklad: o.msOpts, CDEK: o.cdek, Push: o.push, Edit: o.edit,
		RetryBudget: o.retryBudget, SecondWarehouse: o.second})
	p := h.Products
	return &bundle{ctx: t.Context(), h: h, ms: h.MoySklad, fb: h.FBox, cd: h.CDEK, svc: h.Service, cfg: h.Config,
		store: h.Store, other: h.Other, p: products{kettle: p[0], mug: p[1], flask: p[2], bigFlask: p[3], noArticle: p[4]}}
}

type line struct {
	p   moysklad.Product
	qty float64
}

func (b *bundle) supply(t testing.TB, comment string, lines ...line) moysklad.Document {
	t.Helper()
	d, err := b.h.Supply("00042", comment, harnessLines(lines, 10000)...)
	require.NoError(t, err)
	return d
}

// submitted is a supply staff handed to the warehouse, with its task
// number: the start of every receipt scenario.
func (b *bundle) submitted(t testing.TB, lines ...line) (moysklad.Document, string) {
	t.Helper()
	doc := b.supply(t, "", lines...)
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	return doc, b.row(t, moysklad.TypeSupply, doc.ID).IndocID
}

func harnessLines(lines []line, price float64) []skladflowtest.Line {
	out := make([]skladflowtest.Line, len(lines))
	for i, l := range lines {
		out[i] = skladflowtest.Line{Product: l.p, Quantity: l.qty, Price: price}
	}
	return out
}

func (b *bundle) setStatus(t testing.TB, typ, id, status string) {
	t.Helper()
	require.NoError(t, b.h.SetStatus(typ, id, status))
}

// waitStatus waits until MoySklad shows the status and returns the document.
func (b *bundle) waitStatus(t testing.TB, typ, id, status string) moysklad.Document {
	t.Helper()
	return b.waitStatusWithin(t, typ, id, status, patience)
}

// waitStatusWithin waits as long as the caller says (benchmarks that are
// slow by design).
func (b *bundle) waitStatusWithin(t testing.TB, typ, id, status string, within time.Duration) moysklad.Document {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, within)
	defer cancel()
	d, err := b.h.WaitStatus(ctx, typ, id, status)
	require.NoError(t, err)
	return d
}

// waitRow waits until skladflow's own record reaches a flow state: it is
// committed just after the MoySklad write.
func (b *bundle) waitRow(t testing.TB, typ, id, state string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, patience)
	defer cancel()
	_, err := b.h.WaitState(ctx, typ, id, state)
	require.NoError(t, err)
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
	id, err := b.h.Receive(b.ctx, indoc, lines...)
	require.NoError(t, err)
	return id
}

func logLines(d moysklad.Document) []string { return skladflowtest.LogLines(d) }

func lastLine(t testing.TB, d moysklad.Document) string {
	t.Helper()
	require.NotEmpty(t, logLines(d), "no mini-log in %q", d.Description)
	return skladflowtest.LastLine(d)
}

func quantities(d moysklad.Document) map[string]float64 { return skladflowtest.Quantities(d) }

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
	require.Empty(t, task.Goods, "the goods were registered before the task (POST /goods)")
	card, ok := b.fb.Good("KT-1700")
	require.True(t, ok)
	require.Equal(t, "Чайник", card.GoodName)
	require.Equal(t, []string{"4601234567890"}, card.EANs)

	outdoc, err := b.fb.ReceiveExact(row.IndocID)
	require.NoError(t, err)
	require.NoError(t, b.svc.PollNow(b.ctx))
	d = b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	require.True(t, d.Applicable)
	require.Len(t, d.Rows(), 3)
	require.Equal(t, map[string]float64{"KT-1700": 12, "MG-350": 24}, quantities(d))
	require.Contains(t, lastLine(t, d), "Оприходовано на складе БетаПРО (док. склада")
	require.Contains(t, lastLine(t, d), "принято 36 из 36 шт., без расхождений")
	require.Eventually(t, func() bool { h, _ := b.fb.Outdoc(outdoc); return h.Locked }, patience, 20*time.Millisecond)
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
