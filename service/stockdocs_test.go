package service_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/placement"
	"github.com/skladflow/skladflow/skladflowtest"
	"github.com/skladflow/skladflow/storage"
)

// stockBundle is an installation whose warehouse holds kettles (useful and
// defective) and mugs, with MoySklad's stock booked as placement books it.
type stockBundle struct {
	*bundle
	rules  placement.Rules
	items  map[string]string // good_id → MoySklad product id
	alerts func() []string
	// outdocs are the warehouse documents of the test, to count what
	// skladflow created for them.
	outdocs []int64
	// staff are documents staff made (initial stock): not skladflow's.
	staff map[string]bool
}

type stockOpts struct {
	keep, defect, long bool
}

func setupStock(t *testing.T, o stockOpts) *stockBundle {
	t.Helper()
	url, alerts := alertTarget(t)
	h := skladflowtest.Start(t, skladflowtest.Options{DefectStore: o.defect, LongStorageStore: o.long, Edit: func(c *config.Config) {
		c.Alerts = config.Alerts{URL: url}
		if o.keep {
			c.Stock.Quarantine = config.QuarantineKeep
		}
	}})
	p := h.Products
	b := &stockBundle{bundle: &bundle{ctx: t.Context(), h: h, ms: h.MoySklad, fb: h.FBox, svc: h.Service, cfg: h.Config,
		store: h.Store, other: h.Other, p: products{kettle: p[0], mug: p[1], flask: p[2], bigFlask: p[3], noArticle: p[4]}},
		rules: placement.Rules{Store: h.Store.ID, DefectStore: h.Defect.ID, LongStorageStore: h.LongStorage.ID,
			Defective: h.Config.Receipt.Defective == config.DefectiveAccept, KeepQuarantine: o.keep},
		items: map[string]string{"KT-1700": p[0].ID, "MG-350": p[1].ID}, alerts: alerts}
	// Registered at the warehouse by hand, as before skladflow: the
	// corrections find them in MoySklad by article.
	fb, err := fulfillment.NewClient(fulfillment.Config{BaseURL: b.fb.URL(), PartnerID: "partner", Password: "secret"})
	require.NoError(t, err)
	require.NoError(t, fb.RegisterGoods(b.ctx, fulfillment.Good{GoodID: "KT-1700", GoodName: "Чайник"},
		fulfillment.Good{GoodID: "MG-350", GoodName: "Кружка"}, fulfillment.Good{GoodID: "XX-1", GoodName: "Неизвестный товар"}))
	b.fb.AddStock("KT-1700", 20, 2)
	b.fb.AddStock("MG-350", 10, 0)
	b.fb.AddStock("XX-1", 5, 0)
	for good, item := range b.items {
		for store, n := range b.booked(good) {
			require.NoError(t, b.ms.SetStock(store, item, n))
		}
	}
	b.parity(t)
	return b
}

// booked is what placement books of the warehouse's stock of a good now.
func (b *stockBundle) booked(good string) map[string]float64 {
	out := map[string]float64{}
	for _, q := range []string{fulfillment.QualUseful, fulfillment.QualDefective} {
		l := fulfillment.GoodStock{GoodID: good, QualType: q,
			Stock:       float64(b.fb.StockOf(good, q, fulfillment.GoodStateStock)),
			Quarantine:  float64(b.fb.StockOf(good, q, fulfillment.GoodStateQuarantine)),
			LongStorage: float64(b.fb.StockOf(good, q, fulfillment.GoodStateLongStorage))}
		for s, n := range b.rules.Booked(l) {
			out[s] += n
		}
	}
	return out
}

// parity: MoySklad's stock at every store of the warehouse is what
// placement books of the warehouse's stock.
func (b *stockBundle) parity(t *testing.T) {
	t.Helper()
	for good, item := range b.items {
		want := b.booked(good)
		for _, s := range b.rules.Stores() {
			require.Equal(t, want[s], b.ms.Stock(s, item), "%s at store %s", good, s)
		}
	}
}

// applied has skladflow read the feed and waits until it imported the
// document (locked it); it returns the parts recorded.
func (b *stockBundle) applied(t *testing.T, id int64, err error) []storage.OutdocPart {
	t.Helper()
	require.NoError(t, err)
	b.outdocs = append(b.outdocs, id)
	require.NoError(t, b.svc.PollNow(b.ctx))
	b.outdocLocked(t, id)
	parts, err := b.svc.Store.OutdocParts(b.ctx, skladflowtest.Warehouse, id)
	require.NoError(t, err)
	require.NotEmpty(t, parts)
	return parts
}

// docs checks the documents of applied parts: each exists, posted, with the
// warehouse document's number in its description; it returns their types.
func (b *stockBundle) docs(t *testing.T, id int64, parts []storage.OutdocPart) []string {
	t.Helper()
	var types []string
	for _, p := range parts {
		if p.Status != storage.PartApplied {
			continue
		}
		d, err := b.ms.Document(p.DocType, p.DocID)
		require.NoError(t, err)
		require.True(t, d.Applicable, "%s %s is posted", p.DocType, p.DocID)
		require.Contains(t, d.Description, "Склад БетаПРО, документ склада "+itoa(id))
		types = append(types, p.DocType)
	}
	return types
}

// once: MoySklad holds exactly the documents the applied parts name, each
// once.
func (b *stockBundle) once(t *testing.T) {
	t.Helper()
	want := map[string]bool{}
	for _, id := range b.outdocs {
		parts, err := b.svc.Store.OutdocParts(b.ctx, skladflowtest.Warehouse, id)
		require.NoError(t, err)
		for _, p := range parts {
			if p.Status == storage.PartApplied {
				require.False(t, want[p.DocID], "one document per part")
				want[p.DocID] = true
			}
		}
	}
	got := map[string]bool{}
	for _, typ := range []string{moysklad.TypeEnter, "loss", moysklad.TypeMove} {
		ds, err := b.svc.MoySklad.ListDocuments(b.ctx, typ, "")
		require.NoError(t, err)
		for _, d := range ds {
			if !b.staff[d.ID] {
				got[d.ID] = true
			}
		}
	}
	require.Equal(t, want, got)
}

// step is one warehouse document and what it books.
type step struct {
	name  string
	issue func(fb *fboxtest.Server) (int64, error)
	// want are the types of the documents it books under the bundle's
	// options (nil: it books nothing and is recorded as skipped).
	want func(o stockOpts) []string
}

func correction(typ string, lines ...fboxtest.CorrectionLine) func(fb *fboxtest.Server) (int64, error) {
	return func(fb *fboxtest.Server) (int64, error) { return fb.Correction(typ, lines...) }
}

func kettle(defective bool, stock, quarantine int32) fboxtest.CorrectionLine {
	return fboxtest.CorrectionLine{GoodID: "KT-1700", Defective: defective, Stock: stock, Quarantine: quarantine}
}

func mug(defective bool, stock int32) fboxtest.CorrectionLine {
	return fboxtest.CorrectionLine{GoodID: "MG-350", Defective: defective, Stock: stock}
}

func when(cond bool, types ...string) []string {
	if cond {
		return types
	}
	return nil
}

// stockSteps go through every correction type and both long-storage moves,
// in an order the warehouse's stock allows.
var stockSteps = []step{
	{"manual: not found", correction(fulfillment.CorrectionManual, kettle(false, -3, 3)),
		func(o stockOpts) []string { return when(!o.keep, "loss") }},
	{"manual: found back", correction(fulfillment.CorrectionManual, kettle(false, 1, -1)),
		func(o stockOpts) []string { return when(!o.keep, "enter") }},
	{"surplus", correction(fulfillment.CorrectionSurplus, kettle(false, 1, -1)),
		func(o stockOpts) []string { return when(!o.keep, "enter") }},
	{"useful_defective", correction(fulfillment.CorrectionUsefulDefective, kettle(false, -2, 0), kettle(true, 2, 0)),
		func(o stockOpts) []string { return when(o.defect, "move") }},
	{"regrade", correction(fulfillment.CorrectionRegrade, kettle(false, -1, 0), mug(false, 1)),
		func(stockOpts) []string { return []string{"enter", "loss"} }},
	{"expiration", correction(fulfillment.CorrectionExpiration, mug(false, -2), mug(true, 2)),
		func(o stockOpts) []string { return when(o.defect, "move") }},
	{"quarantine_reset", correction(fulfillment.CorrectionQuarantineReset, kettle(false, 0, -1)),
		func(o stockOpts) []string { return when(o.keep, "loss") }},
	{"to long storage", func(fb *fboxtest.Server) (int64, error) {
		return fb.ToLongStorage(1, fboxtest.LongBox{BoxID: 7, Lines: []fboxtest.Line{{GoodID: "KT-1700", Useful: 3, Defective: 1}, {GoodID: "MG-350", Useful: 2}}})
	}, func(o stockOpts) []string {
		switch {
		case o.long && o.defect:
			return []string{"move", "move"} // from the main store and from the defect store
		case o.long:
			return []string{"move"}
		}
		return nil
	}},
	{"from long storage", func(fb *fboxtest.Server) (int64, error) { return fb.FromLongStorage(7) }, func(o stockOpts) []string {
		switch {
		case o.long && o.defect:
			return []string{"move", "move"}
		case o.long:
			return []string{"move"}
		}
		return nil
	}},
}

// Every correction type and both long-storage moves, under both quarantine
// policies, with and without a defect store and a long-storage store:
// after each document MoySklad's stock per store is what placement books
// of the warehouse's, and every document skladflow created exists once,
// posted.
func TestStockDocumentsKeepParity(t *testing.T) {
	t.Parallel()
	for _, o := range []stockOpts{{}, {defect: true, long: true}, {keep: true, defect: true}, {keep: true, long: true}} {
		name := "writeoff"
		if o.keep {
			name = "keep"
		}
		if o.defect {
			name += "+defect_store"
		}
		if o.long {
			name += "+long_storage_store"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setupStock(t, o)
			for _, s := range stockSteps {
				id, err := s.issue(b.fb)
				parts := b.applied(t, id, err)
				want := s.want(o)
				require.ElementsMatch(t, want, b.docs(t, id, parts), s.name)
				if want == nil {
					require.Len(t, parts, 1, s.name)
					require.Equal(t, storage.PartSkipped, parts[0].Status, s.name)
					tl, err := b.svc.Store.Timeline(b.ctx, "outdoc", skladflowtest.Warehouse+"/"+itoa(id))
					require.NoError(t, err)
					require.NotEmpty(t, tl, s.name)
					require.Contains(t, tl[len(tl)-1].Message, "не меняет остатки в МойСклад", s.name)
				}
				b.parity(t)
			}
			b.once(t)
		})
	}
}

// Moving to long storage with no long-storage store books nothing, and the
// timeline says why.
func TestLongStorageWithoutItsStoreIsNotBooked(t *testing.T) {
	t.Parallel()
	b := setupStock(t, stockOpts{})
	id, err := b.fb.ToLongStorage(1, fboxtest.LongBox{BoxID: 3, Lines: []fboxtest.Line{{GoodID: "KT-1700", Useful: 4}}})
	parts := b.applied(t, id, err)
	require.Equal(t, storage.PartSkipped, parts[0].Status)
	tl, err := b.svc.Store.Timeline(b.ctx, "outdoc", skladflowtest.Warehouse+"/"+itoa(id))
	require.NoError(t, err)
	require.NotEmpty(t, tl)
	require.Contains(t, tl[0].Message, "склад длительного хранения не настроен (long_storage_store)")
	b.parity(t)
	b.once(t)
}

// A correction the warehouse replaces: skladflow deletes what it booked,
// unlocks it, and books the replacement once.
func TestReplacedCorrectionIsBookedOnce(t *testing.T) {
	t.Parallel()
	b := setupStock(t, stockOpts{defect: true})
	id, err := b.fb.Correction(fulfillment.CorrectionManual, kettle(false, -3, 3))
	parts := b.applied(t, id, err)
	require.Equal(t, []string{"loss"}, b.docs(t, id, parts))
	first := parts[0].DocID

	require.NoError(t, b.fb.ReplaceOutdoc(id, func(body any) error {
		c := body.(*fulfillment.GoodsCorrection)
		c.Goods[0].StockQnt, c.Goods[0].QuarantineQnt = -1, 1
		return nil
	}))
	require.NoError(t, b.svc.PollNow(b.ctx))
	require.Eventually(t, func() bool { _, exists := b.fb.Outdoc(id); return !exists }, patience, 20*time.Millisecond,
		"skladflow deleted what it booked and unlocked it, so the warehouse replaced it")
	_, err = b.ms.Document("loss", first)
	require.Error(t, err, "the loss of the replaced correction is deleted")
	parts, err = b.svc.Store.OutdocParts(b.ctx, skladflowtest.Warehouse, id)
	require.NoError(t, err)
	require.Equal(t, storage.PartReverted, parts[0].Status)

	replacement := b.fb.LastOutdoc()
	parts = b.applied(t, replacement, nil)
	require.Equal(t, []string{"loss"}, b.docs(t, replacement, parts))
	d, err := b.ms.Document("loss", parts[0].DocID)
	require.NoError(t, err)
	require.Equal(t, map[string]float64{"KT-1700": 1}, quantities(d))
	b.parity(t)
	b.once(t)
}

// A good MoySklad does not know: the rest is booked, the unknown good is
// named in the description and an alert; a document of unknown goods only
// is not created.
func TestUnknownGoodLeavesTheRestBooked(t *testing.T) {
	t.Parallel()
	b := setupStock(t, stockOpts{})
	id, err := b.fb.Correction(fulfillment.CorrectionManual, kettle(false, -2, 2),
		fboxtest.CorrectionLine{GoodID: "XX-1", Stock: -1, Quarantine: 1})
	parts := b.applied(t, id, err)
	require.Equal(t, []string{"loss"}, b.docs(t, id, parts))
	d, err := b.ms.Document("loss", parts[0].DocID)
	require.NoError(t, err)
	require.Equal(t, map[string]float64{"KT-1700": 2}, quantities(d))
	require.Contains(t, d.Description, "не учтены товары, которых нет в МойСклад: XX-1 1 шт.")
	require.Eventually(t, func() bool {
		return strings.Contains(strings.Join(b.alerts(), "\n"), "товара XX-1 нет в МойСклад")
	}, patience, 20*time.Millisecond)

	// A regrade into the unknown good: the loss is booked, the enter of
	// nothing known is not created.
	id, err = b.fb.Correction(fulfillment.CorrectionRegrade, kettle(false, -1, 0), fboxtest.CorrectionLine{GoodID: "XX-1", Stock: 1})
	parts = b.applied(t, id, err)
	require.Equal(t, []string{"loss"}, b.docs(t, id, parts))
	require.Len(t, parts, 2)
	var skipped storage.OutdocPart
	for _, p := range parts {
		if p.Status == storage.PartSkipped {
			skipped = p
		}
	}
	var change struct {
		Unknown []struct {
			GoodID string `json:"good_id"`
		} `json:"unknown"`
	}
	require.NoError(t, json.Unmarshal(skipped.Change, &change))
	require.Len(t, change.Unknown, 1)
	require.Equal(t, "XX-1", change.Unknown[0].GoodID)
	b.parity(t)
	b.once(t)
}

// A closed period: support is alerted and nothing is booked; once staff
// reopen the period the correction goes through, once.
func TestClosedPeriodThenReopened(t *testing.T) {
	t.Parallel()
	b := setupStock(t, stockOpts{})
	b.ms.ClosePeriod(time.Now().Add(time.Hour))
	id, err := b.fb.Correction(fulfillment.CorrectionManual, kettle(false, -2, 2))
	require.NoError(t, err)
	b.outdocs = append(b.outdocs, id)
	require.NoError(t, b.svc.PollNow(b.ctx))
	require.Eventually(t, func() bool {
		return strings.Contains(strings.Join(b.alerts(), "\n"), "период закрыт (код 17009)")
	}, patience, 20*time.Millisecond)
	h, _ := b.fb.Outdoc(id)
	require.False(t, h.Locked, "not imported while MoySklad refuses it")
	parts, err := b.svc.Store.OutdocParts(context.Background(), skladflowtest.Warehouse, id)
	require.NoError(t, err)
	require.Empty(t, parts)
	// Tried again on every poll: still closed, told once. A try's POST
	// comes after the last try finished (one worker per document).
	for tries := 2; tries <= 3; tries++ {
		require.NoError(t, b.svc.PollNow(b.ctx))
		require.Eventually(t, func() bool { return b.posts("entity/loss") >= tries }, patience, 20*time.Millisecond)
	}
	tl, err := b.svc.Store.Timeline(b.ctx, "outdoc", skladflowtest.Warehouse+"/"+itoa(id))
	require.NoError(t, err)
	require.Len(t, tl, 1)
	require.Contains(t, tl[0].Message, "период закрыт (код 17009)")

	b.ms.ClosePeriod(time.Time{})
	b.outdocs = b.outdocs[:len(b.outdocs)-1]
	parts = b.applied(t, id, nil)
	require.Equal(t, []string{"loss"}, b.docs(t, id, parts))
	b.parity(t)
	b.once(t)
}

// Found units are entered at the product's buy price (0 without one).
func TestFoundUnitsAreEnteredAtTheBuyPrice(t *testing.T) {
	t.Parallel()
	b := setupStock(t, stockOpts{})
	require.NoError(t, b.ms.EditAssortment(b.items["KT-1700"], map[string]any{"buyPrice": map[string]any{"value": 123400.0}}))
	id, err := b.fb.Correction(fulfillment.CorrectionRegrade, mug(false, -1), kettle(false, 1, 0))
	parts := b.applied(t, id, err)
	require.ElementsMatch(t, []string{"enter", "loss"}, b.docs(t, id, parts))
	for _, p := range parts {
		if p.DocType != moysklad.TypeEnter {
			continue
		}
		d, err := b.ms.Document(p.DocType, p.DocID)
		require.NoError(t, err)
		require.Len(t, d.Rows(), 1)
		require.Equal(t, 123400.0, d.Rows()[0].Price())
		require.Contains(t, d.Description, "инвентаризация-коррекция: Пересорт")
	}
	b.parity(t)
	b.once(t)
}

// A correction partly booked (MoySklad failed the rest) that the warehouse
// deletes and replaces before it was imported: what was booked is deleted,
// and only the replacement stays.
func TestPartlyBookedCorrectionDeletedByTheWarehouse(t *testing.T) {
	t.Parallel()
	b := setupStock(t, stockOpts{defect: true})
	b.ms.FailNext(moyskladtest.Fault{Method: "POST", PathContains: "entity/loss", Status: 500, Code: 1000, Message: "сбой", Count: 1000})
	id, err := b.fb.Correction(fulfillment.CorrectionRegrade, kettle(false, -1, 0), mug(false, 1))
	require.NoError(t, err)
	b.outdocs = append(b.outdocs, id)
	require.NoError(t, b.svc.PollNow(b.ctx))
	var enter string
	require.Eventually(t, func() bool {
		p, err := b.svc.Store.OutdocPart(b.ctx, skladflowtest.Warehouse, id, "enter:"+b.rules.Store)
		enter = p.DocID
		return err == nil
	}, patience, 20*time.Millisecond, "the enter is booked, the loss keeps failing")

	require.NoError(t, b.fb.ReplaceOutdoc(id, func(body any) error {
		c := body.(*fulfillment.GoodsCorrection)
		c.CorrectionType, c.CorrectionTypeDescrip = fulfillment.CorrectionUsefulDefective, "Перевод товара из нормы в брак и обратно"
		c.Goods = []fulfillment.CorrectionGood{{GoodID: "KT-1700", QualType: fulfillment.QualUseful, StockQnt: -1},
			{GoodID: "KT-1700", QualType: fulfillment.QualDefective, StockQnt: 1}}
		return nil
	}))
	_, exists := b.fb.Outdoc(id)
	require.False(t, exists, "an unlocked document is replaced at once")
	require.Eventually(t, func() bool {
		// Undone by whichever finds the deletion first: the feed's check
		// before reading (a revert) or the flow's retry (deleted).
		od, err := b.svc.Store.Outdoc(b.ctx, skladflowtest.Warehouse, id)
		return err == nil && (od.Status == storage.OutdocDeleted || od.Status == storage.OutdocUndone)
	}, patience, 20*time.Millisecond)
	_, err = b.ms.Document(moysklad.TypeEnter, enter)
	require.Error(t, err, "the enter of the deleted correction is deleted")

	replacement := b.fb.LastOutdoc()
	parts := b.applied(t, replacement, nil)
	require.Equal(t, []string{"move"}, b.docs(t, replacement, parts))
	b.parity(t)
	b.once(t)
}

// posts counts the POSTs MoySklad answered to a path ending in suffix.
func (b *stockBundle) posts(suffix string) int {
	n := 0
	for _, r := range b.ms.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}
