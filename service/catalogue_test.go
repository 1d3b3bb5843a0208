package service_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/skladflow/skladflow/storage"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

// alertTarget collects the alerts skladflow sends.
func alertTarget(t *testing.T) (string, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var texts []string
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		_ = json.NewDecoder(r.Body).Decode(&m)
		mu.Lock()
		texts = append(texts, m["text"].(string))
		mu.Unlock()
	}))
	t.Cleanup(target.Close)
	return target.URL, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), texts...) }
}

func TestEditedArticleKeepsTheWarehouseGood(t *testing.T) {
	t.Parallel()
	url, alerts := alertTarget(t)
	b := setup(t, setupOpts{edit: func(c *config.Config) { c.Alerts = config.Alerts{URL: url} }})
	b.submitted(t, line{b.p.kettle, 1})
	old := b.p.kettle.Article
	require.NoError(t, b.ms.EditAssortment(b.p.kettle.ID, map[string]any{"article": old + "-NEW"}))

	doc, indoc := b.submitted(t, line{b.p.kettle, 5}, line{b.p.mug, 2})
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	lines := logLines(d)
	require.GreaterOrEqual(t, len(lines), 2)
	require.Contains(t, lines[len(lines)-2], "стр. 1: артикул изменён с "+old+" на "+old+"-NEW; на складе БетаПРО товар остаётся "+old)
	task, ok := b.fb.SupplyTask(indoc)
	require.True(t, ok)
	require.Equal(t, []fulfillment.TaskItem{{GoodID: old, PlanQnt: 5}, {GoodID: b.p.mug.Article, PlanQnt: 2}}, task.Items, "the task names the old good_id")
	_, renamed := b.fb.Good(old + "-NEW")
	require.False(t, renamed)
	require.Eventually(t, func() bool { return len(alerts()) == 1 }, patience, 20*time.Millisecond)
	require.Contains(t, alerts()[0], "у «Чайник» артикул изменён с "+old+" на "+old+"-NEW")

	b.receive(t, indoc, fboxtest.Line{GoodID: old, Useful: 4}, fboxtest.Line{GoodID: b.p.mug.Article, Useful: 2})
	d = b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	require.Len(t, d.Rows(), 2, "the warehouse's old good_id is matched to the edited product's line")
	require.Equal(t, b.p.kettle.ID, d.Rows()[0].Assortment.ID)
	require.Equal(t, 4.0, d.Rows()[0].Quantity)
	require.Contains(t, lastLine(t, d), "ожидалось 5, принято 4")
}

func TestVariantRegisteredUnderItsConfiguredGoodID(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{edit: func(c *config.Config) { c.Warehouses[0].VariantSKUField = "article" }})
	blue, err := b.ms.AddVariant(moyskladtest.VariantSpec{ProductID: b.p.mug.ID, Code: "00017",
		Characteristics: []moysklad.Characteristic{{Name: "Цвет", Value: "синий"}}})
	require.NoError(t, err)
	doc, indoc := b.submitted(t, line{blue, 3})
	want := b.p.mug.Article + "-синий"
	task, ok := b.fb.SupplyTask(indoc)
	require.True(t, ok)
	require.Equal(t, []fulfillment.TaskItem{{GoodID: want, PlanQnt: 3}}, task.Items)
	card, ok := b.fb.Good(want)
	require.True(t, ok)
	require.Equal(t, b.p.mug.Name+" (синий)", card.GoodName)

	b.receive(t, indoc, fboxtest.Line{GoodID: want, Useful: 3})
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	require.Len(t, d.Rows(), 1)
	require.Equal(t, blue.ID, d.Rows()[0].Assortment.ID)
	require.Contains(t, lastLine(t, d), "принято 3 из 3 шт., без расхождений")
}

func TestBarcodeStaffAddIdentifiesTheUnknownItem(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, indoc := b.submitted(t, line{b.p.kettle, 10})
	b.fb.AddUnknown(indoc, "2000000000123", "Чайник красный без этикетки", 3)

	// Staff recognise the item and add its barcode to the product: MoySklad
	// sends UPDATE with the changed field.
	barcodes := []any{}
	for _, v := range b.p.kettle.BarcodeValues() {
		barcodes = append(barcodes, map[string]any{"ean13": v})
	}
	barcodes = append(barcodes, map[string]any{"ean13": "2000000000123"})
	require.NoError(t, b.ms.EditAssortment(b.p.kettle.ID, map[string]any{"barcodes": barcodes}))
	require.Eventually(t, func() bool { return len(b.fb.Unknown()) == 0 }, patience, 20*time.Millisecond,
		"the barcode reaches the warehouse, which identifies the item")
	card, ok := b.fb.Good(b.p.kettle.Article)
	require.True(t, ok)
	require.Contains(t, card.EANs, "2000000000123")
	pushed := false
	for _, r := range b.fb.Requests() {
		pushed = pushed || (r.Method == "POST" && r.Path == "/goods/eans")
	}
	require.True(t, pushed, "pushed with POST /goods/eans")

	// A change of a field no card carries refreshes nothing. The refresh
	// of the barcode (its card sent again) is over first.
	b.waitJobsDone(t, storage.RefreshGoodArgs{}.Kind())
	before := len(b.fb.Requests())
	require.NoError(t, b.ms.EditAssortment(b.p.kettle.ID, map[string]any{"description": "Новое описание"}))
	require.NoError(t, b.ms.EditAssortment(b.p.kettle.ID, map[string]any{"name": "Чайник электрический"}))
	require.Eventually(t, func() bool {
		c, _ := b.fb.Good(b.p.kettle.Article)
		return c.GoodName == "Чайник электрический"
	},
		patience, 20*time.Millisecond, "a renamed product's card follows")
	posts := 0
	for _, r := range b.fb.Requests()[before:] {
		if r.Method == "POST" && r.Path == "/goods" {
			posts++
		}
	}
	require.Equal(t, 1, posts, "only the rename registered the card again")
}

func TestUnknownItemGivenToAProductNeverRegistered(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, indoc := b.submitted(t, line{b.p.kettle, 10})
	b.fb.AddUnknown(indoc, "2000000000456", "Термос без этикетки", 2)
	_, registered := b.fb.Good(b.p.flask.Article)
	require.False(t, registered)

	require.NoError(t, b.ms.EditAssortment(b.p.flask.ID, map[string]any{"barcodes": []any{map[string]any{"ean13": "2000000000456"}}}))
	require.Eventually(t, func() bool { return len(b.fb.Unknown()) == 0 }, patience, 20*time.Millisecond,
		"the product is registered with the barcode, and the warehouse identifies the item")
	card, ok := b.fb.Good(b.p.flask.Article)
	require.True(t, ok)
	require.Equal(t, []string{"2000000000456"}, card.EANs)

	require.NoError(t, b.ms.EditAssortment(b.p.bigFlask.ID, map[string]any{"name": "Термос 1 л"}))
	require.Never(t, func() bool { _, ok := b.fb.Good(b.p.bigFlask.Article); return ok }, 500*time.Millisecond, 20*time.Millisecond,
		"an ordinary change of a product never registered registers nothing")
}

// waitJobsDone waits until no job of the kind is left to run, nor any
// event waiting for its job.
func (b *bundle) waitJobsDone(t *testing.T, kind string) {
	t.Helper()
	require.Eventually(t, func() bool {
		if n, err := b.svc.Store.Undispatched(b.ctx); err != nil || n > 0 {
			return false
		}
		res, err := b.svc.Store.River().JobList(b.ctx, river.NewJobListParams().Kinds(kind).States(rivertype.JobStateAvailable,
			rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled, rivertype.JobStatePending))
		return err == nil && len(res.Jobs) == 0
	}, patience, 20*time.Millisecond)
}
