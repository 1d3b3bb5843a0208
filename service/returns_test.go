package service_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/flows/returns"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/skladflowtest"
	"github.com/skladflow/skladflow/storage"
)

const sr = moysklad.TypeSalesReturn

// returnDocs are the documents a return share recorded (its part's
// Change), once the share is recorded.
type returnDocs struct {
	Docs []struct{ Type, ID, Name, Store string } `json:"docs"`
}

// shippedOrder is an order skladflow sent and the warehouse shipped whole,
// with its FBox order_id and demand.
func (b *bundle) shippedOrder(t *testing.T, name string, lines ...line) (moysklad.Document, string, moysklad.Document) {
	t.Helper()
	doc, id := b.submitOrder(t, name, lines...)
	b.fb.ProcessOrders()
	ship, err := b.fb.ShipOrders(nil, id)
	require.NoError(t, err)
	b.pollNow(t)
	b.waitStatus(t, co, doc.ID, "Отгружен")
	b.outdocLocked(t, ship)
	return doc, id, b.demandOf(t, ship, id)
}

// returned reads the feed and waits until the return is recorded and
// locked; it returns the share's documents as MoySklad holds them.
func (b *bundle) returned(t *testing.T, outdoc int64, key string) (storage.OutdocPart, []moysklad.Document) {
	t.Helper()
	b.pollNow(t)
	b.outdocLocked(t, outdoc)
	p, err := b.svc.Store.OutdocPart(b.ctx, skladflowtest.Warehouse, outdoc, key)
	require.NoError(t, err)
	var rec returnDocs
	require.NoError(t, json.Unmarshal(p.Change, &rec))
	var docs []moysklad.Document
	for _, d := range rec.Docs {
		x, err := b.ms.Document(d.Type, d.ID)
		require.NoError(t, err)
		docs = append(docs, x)
	}
	return p, docs
}

// orderOutdoc is the newest warehouse document of a type applied to an
// order, other than not; 0 when there is none.
func (b *bundle) orderOutdoc(t *testing.T, orderID, typ string, not int64) int64 {
	t.Helper()
	rows, err := b.svc.Store.DocumentParts(b.ctx, co, orderID)
	require.NoError(t, err)
	var id int64
	for _, r := range rows {
		if r.OutdocType == typ && r.OutdocID != not && r.Status == storage.PartApplied {
			id = r.OutdocID
		}
	}
	return id
}

// replacement reads the feed until the replacement of an order's
// warehouse document old is applied, and returns its id.
func (b *bundle) replacement(t *testing.T, orderID, typ string, old int64) int64 {
	t.Helper()
	var next int64
	require.Eventually(t, func() bool {
		b.pollNow(t)
		next = b.orderOutdoc(t, orderID, typ, old)
		return next != 0
	}, patience, 50*time.Millisecond, "the replacement is applied")
	return next
}

// count is how many documents of a type MoySklad holds.
func (b *bundle) count(t *testing.T, typ string) int {
	t.Helper()
	ds, err := b.svc.MoySklad.ListDocuments(b.ctx, typ, "")
	require.NoError(t, err)
	return len(ds)
}

// stock is MoySklad's stock of a product at a store.
func (b *bundle) stock(store moysklad.Store, p moysklad.Product) float64 {
	return b.ms.Stock(store.ID, p.ID)
}

func byStore(docs []moysklad.Document) map[string]moysklad.Document {
	out := map[string]moysklad.Document{}
	for _, d := range docs {
		out[d.Store.ID()] = d
	}
	return out
}

func linkedTo(t *testing.T, d moysklad.Document, demand moysklad.Document) {
	t.Helper()
	raw, ok := d.Extra("demand")
	require.True(t, ok, "the salesreturn is linked to its demand")
	require.Contains(t, string(raw), demand.ID)
}

// A sealed parcel comes back: one unit good, one defective, one missing
// (quarantine). The good one goes back to the warehouse store, the
// defective one to the defect store, the missing one is named.
func TestReturnFullWithDefectAndQuarantine(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10, func(c *config.Config) { c.Warehouses[0].DefectStore = skladflowtest.OtherStore })
	doc, id, dm := b.shippedOrder(t, "00301", line{b.p.kettle, 2}, line{b.p.mug, 1})
	kettleW, kettleD, mugW := b.stock(b.store, b.p.kettle), b.stock(b.other, b.p.kettle), b.stock(b.store, b.p.mug)

	ret, err := b.fb.FullReturn(id, 1, "Отказ от получения",
		fboxtest.ReturnLine{GoodID: "KT-1700", Stock: 1}, fboxtest.ReturnLine{GoodID: "KT-1700", Defective: true, Stock: 1},
		fboxtest.ReturnLine{GoodID: "MG-350", Quarantine: 1})
	require.NoError(t, err)
	p, docs := b.returned(t, ret, id)
	require.Equal(t, storage.PartApplied, p.Status)
	require.Len(t, docs, 2, "one salesreturn per store that books units")
	at := byStore(docs)
	for _, d := range docs {
		require.Equal(t, sr, d.Type())
		require.True(t, d.Applicable, "posted")
		linkedTo(t, d, dm)
		require.Contains(t, d.Description, "Возврат на склад БетаПРО (док. склада "+strconv.FormatInt(ret, 10)+"): полный возврат заказа "+id)
		require.Contains(t, d.Description, "причина «Отказ от получения»; годных 1, брак 1, в карантине 1 — не возвращены на склад, недостача склада")
	}
	require.Equal(t, map[string]float64{"KT-1700": 1}, quantities(at[b.store.ID]))
	require.Equal(t, map[string]float64{"KT-1700": 1}, quantities(at[b.other.ID]), "the defective unit at the defect store")
	require.Equal(t, kettleW+1, b.stock(b.store, b.p.kettle))
	require.Equal(t, kettleD+1, b.stock(b.other, b.p.kettle))
	require.Equal(t, mugW, b.stock(b.store, b.p.mug), "the missing mug is not back in stock")

	d := b.waitStatus(t, co, doc.ID, "Возврат")
	b.waitRow(t, co, doc.ID, "returned")
	l := lastLine(t, d)
	require.Contains(t, l, "Возврат на склад БетаПРО (док. склада "+strconv.FormatInt(ret, 10)+"): полный возврат заказа "+id+"; причина «Отказ от получения»")
	require.Contains(t, l, "возврат покупателя "+docs[0].Name+", возврат покупателя "+docs[1].Name+" проведён — годных 1, брак 1, в карантине 1 — не возвращены на склад, недостача склада")
	x := b.waitStatus(t, moysklad.TypeDemand, dm.ID, "Возврат")
	require.Equal(t, l, lastLine(t, x), "the demand tells the same")

	b.pollNow(t) // read again: nothing is booked twice
	require.NoError(t, b.h.WaitProcessed(b.ctx, co, doc.ID))
	require.Equal(t, 2, b.count(t, sr))
	d, err = b.ms.Document(co, doc.ID)
	require.NoError(t, err)
	require.Equal(t, 1, strings.Count(d.Description, "полный возврат заказа"))
}

// The same order comes back in two partial returns on different days:
// two salesreturns, «Частичный возврат» then «Возврат».
func TestReturnInTwoParts(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	doc, id, dm := b.shippedOrder(t, "00302", line{b.p.kettle, 2}, line{b.p.mug, 1})
	before := b.stock(b.store, b.p.kettle)

	first, err := b.fb.PartReturn(id, fboxtest.ReturnLine{GoodID: "KT-1700", Stock: 1})
	require.NoError(t, err)
	_, docs := b.returned(t, first, id)
	require.Len(t, docs, 1)
	require.Equal(t, map[string]float64{"KT-1700": 1}, quantities(docs[0]))
	d := b.waitStatus(t, co, doc.ID, "Частичный возврат")
	require.Contains(t, lastLine(t, d), "частичный возврат заказа "+id+"; возврат покупателя "+docs[0].Name+" проведён — годных 1")
	b.waitStatus(t, moysklad.TypeDemand, dm.ID, "Частичный возврат")

	second, err := b.fb.PartReturn(id, fboxtest.ReturnLine{GoodID: "KT-1700", Stock: 1}, fboxtest.ReturnLine{GoodID: "MG-350", Stock: 1})
	require.NoError(t, err)
	_, docs2 := b.returned(t, second, id)
	require.Len(t, docs2, 1)
	require.Equal(t, map[string]float64{"KT-1700": 1, "MG-350": 1}, quantities(docs2[0]))
	d = b.waitStatus(t, co, doc.ID, "Возврат")
	require.Contains(t, lastLine(t, d), "возврат покупателя "+docs2[0].Name+" проведён — годных 2")
	b.waitStatus(t, moysklad.TypeDemand, dm.ID, "Возврат")
	require.Equal(t, 2, b.count(t, sr))
	require.Equal(t, before+2, b.stock(b.store, b.p.kettle))

	// The warehouse withdraws the second part: the first stays applied.
	require.NoError(t, b.fb.ReplaceOutdoc(second, func(body any) error {
		r := body.(*fulfillment.OrdersReturn)
		r.Orders[0].Goods = r.Orders[0].Goods[:1]
		return nil
	}))
	b.pollNow(t)
	b.waitRow(t, co, doc.ID, "returned")
	d = b.waitStatus(t, co, doc.ID, "Частичный возврат")
	require.Contains(t, lastLine(t, d), "отозвал документ возврата "+strconv.FormatInt(second, 10)+" для исправления")
	require.Contains(t, lastLine(t, d), "остаются другие возвраты по заказу (1)")
	_, err = b.ms.Document(sr, docs2[0].ID)
	require.Error(t, err, "the second salesreturn is deleted")
	_, err = b.ms.Document(sr, docs[0].ID)
	require.NoError(t, err, "the first stays")
}

// More comes back than was shipped: the salesreturn stops at the demand,
// an enter books the rest, so stock still equals the warehouse's.
func TestReturnBeyondTheShipmentIsAnExcess(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	doc, id, dm := b.shippedOrder(t, "00303", line{b.p.kettle, 1})
	before := b.stock(b.store, b.p.kettle)

	ret, err := b.fb.PartReturn(id, fboxtest.ReturnLine{GoodID: "KT-1700", Stock: 2})
	require.NoError(t, err)
	_, docs := b.returned(t, ret, id)
	require.Len(t, docs, 2)
	require.Equal(t, sr, docs[0].Type())
	require.Equal(t, map[string]float64{"KT-1700": 1}, quantities(docs[0]), "never beyond what the demand shipped")
	linkedTo(t, docs[0], dm)
	require.Equal(t, moysklad.TypeEnter, docs[1].Type())
	require.True(t, docs[1].Applicable)
	require.Equal(t, map[string]float64{"KT-1700": 1}, quantities(docs[1]))
	require.Contains(t, docs[1].Description, "Оприходование излишка возврата: склад БетаПРО")
	require.Equal(t, before+2, b.stock(b.store, b.p.kettle))
	d := b.waitStatus(t, co, doc.ID, "Возврат")
	require.Contains(t, lastLine(t, d), "сверх отгруженного KT-1700 1 шт. — излишек оприходован: оприходование "+docs[1].Name)
}

// A buyer sends a parcel the warehouse cannot tie to an order: it is
// booked for the configured counterparty, flagged, and listed.
func TestReturnWithoutOrderIsUnlinked(t *testing.T) {
	t.Parallel()
	url, alerts := alertTarget(t)
	b := setupOrders(t, 10, func(c *config.Config) {
		c.Returns.Counterparty = "Возвраты без заказа"
		c.Alerts = config.Alerts{URL: url}
		c.Admin.Password = "admin-pass-1"
	})
	cp := b.ms.AddCounterparty(moyskladtest.CounterpartySpec{Name: "Возвраты без заказа"})
	before := b.stock(b.store, b.p.mug)
	// A good the warehouse knows and MoySklad does not.
	fb, err := fulfillment.NewClient(fulfillment.Config{BaseURL: b.fb.URL(), PartnerID: "partner", Password: "secret"})
	require.NoError(t, err)
	require.NoError(t, fb.RegisterGoods(b.ctx, fulfillment.Good{GoodID: "ZZ-9", GoodName: "Неизвестный"}))

	ret, err := b.fb.ClientReturns(fboxtest.ClientReturn{ReturnBarcode: "RB-0001", ParcelBarcode: "P-77",
		Lines: []fboxtest.ReturnLine{{GoodID: "MG-350", Stock: 2}, {GoodID: "ZZ-9", Stock: 1}}})
	require.NoError(t, err)
	p, docs := b.returned(t, ret, "RB-0001")
	require.Equal(t, storage.PartApplied, p.Status)
	require.Len(t, docs, 1)
	d := docs[0]
	require.True(t, d.Applicable)
	require.Equal(t, cp.ID, d.Agent.Meta.ID())
	require.Equal(t, b.store.ID, d.Store.ID())
	require.True(t, strings.HasPrefix(d.Description, "Возврат без заказа: проверьте покупателя и цены."))
	require.Contains(t, d.Description, "клиентский возврат, штрихкод возврата RB-0001, посылка P-77")
	require.Equal(t, map[string]float64{"MG-350": 2}, quantities(d), "the rest is booked")
	require.Contains(t, d.Description, "нет в МоёмСкладе, не учтено: ZZ-9 1 шт.")
	require.Equal(t, before+2, b.stock(b.store, b.p.mug))
	require.Eventually(t, func() bool {
		return slices.ContainsFunc(alerts(), func(s string) bool {
			return strings.Contains(s, "вернул товар ZZ-9, которого нет в МоёмСкладе")
		})
	}, patience, 20*time.Millisecond)
	tl, err := b.svc.Store.Timeline(b.ctx, sr, d.ID)
	require.NoError(t, err)
	require.True(t, slices.ContainsFunc(tl, func(e storage.TimelineEntry) bool {
		return e.Kind == storage.KindError && strings.Contains(e.Message, "ZZ-9 1 шт.")
	}))

	list, err := returns.ListUnlinked(b.ctx, b.svc.Store)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, "RB-0001", list[0].ReturnBarcode)
	require.Equal(t, storage.PartApplied, list[0].Status)
	require.Equal(t, d.ID, list[0].SalesReturns[0].ID)
	require.Equal(t, []string{"ZZ-9 1 шт."}, list[0].Unknown)

	// The operator sees it too: the API and the «Сверка остатков» page.
	status, body := b.api(t, "GET", "/api/unlinked-returns", "admin", "admin-pass-1")
	require.Equal(t, 200, status)
	got := body["returns"].([]any)
	require.Len(t, got, 1)
	require.Equal(t, "RB-0001", got[0].(map[string]any)["return_barcode"])
	require.Equal(t, []any{d.Name}, got[0].(map[string]any)["sales_returns"])
	page := b.page(t, "/admin/stock-check", "admin", "admin-pass-1")
	require.Contains(t, page, "Возвраты без заказа")
	require.Contains(t, page, "RB-0001 / P-77")
	require.Contains(t, page, d.Name)
}

// Without a counterparty for such returns nothing is booked: the share
// is recorded failed with why, and the document is not held up.
func TestReturnWithoutOrderAndCounterpartyFails(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	ret, err := b.fb.ClientReturns(fboxtest.ClientReturn{ReturnBarcode: "RB-0002", Lines: []fboxtest.ReturnLine{{GoodID: "MG-350", Stock: 1}}})
	require.NoError(t, err)
	p, docs := b.returned(t, ret, "RB-0002")
	require.Equal(t, storage.PartFailed, p.Status)
	require.Empty(t, docs)
	require.Zero(t, b.count(t, sr))
	list, err := returns.ListUnlinked(b.ctx, b.svc.Store)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Contains(t, list[0].Error, "returns.counterparty")
	tl, err := b.svc.Store.Timeline(b.ctx, "outdoc", skladflowtest.Warehouse+"/"+strconv.FormatInt(ret, 10))
	require.NoError(t, err)
	require.True(t, slices.ContainsFunc(tl, func(e storage.TimelineEntry) bool {
		return e.Kind == storage.KindError && strings.Contains(e.Message, "RB-0002") && strings.Contains(e.Message, "MG-350 1 шт.")
	}))
}

// The operator configures the counterparty afterwards and restarts: the
// return that failed for want of it is booked by the next reconciliation,
// once, and the document is locked again.
func TestUnlinkedReturnBookedOnceTheCounterpartyIsConfigured(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	before := b.stock(b.store, b.p.mug)
	ret, err := b.fb.ClientReturns(fboxtest.ClientReturn{ReturnBarcode: "RB-0003", Lines: []fboxtest.ReturnLine{{GoodID: "MG-350", Stock: 1}}})
	require.NoError(t, err)
	p, _ := b.returned(t, ret, "RB-0003")
	require.Equal(t, storage.PartFailed, p.Status)

	require.NoError(t, b.h.StopService())
	b.h.Config.Returns.Counterparty = "Возвраты без заказа"
	cp := b.ms.AddCounterparty(moyskladtest.CounterpartySpec{Name: "Возвраты без заказа"})
	require.NoError(t, b.h.StartService(b.ctx, b.h.Database()))
	b.svc = b.h.Service

	require.Eventually(t, func() bool {
		p, err = b.svc.Store.OutdocPart(b.ctx, skladflowtest.Warehouse, ret, "RB-0003")
		return err == nil && p.Status == storage.PartApplied
	}, patience, 20*time.Millisecond)
	b.outdocLocked(t, ret)
	_, docs := b.returned(t, ret, "RB-0003")
	require.Len(t, docs, 1)
	require.Equal(t, cp.ID, docs[0].Agent.Meta.ID())
	require.True(t, docs[0].Applicable)
	require.Equal(t, before+1, b.stock(b.store, b.p.mug))
	require.Equal(t, 1, b.count(t, sr))
	list, err := returns.ListUnlinked(b.ctx, b.svc.Store)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, storage.PartApplied, list[0].Status)
	require.Empty(t, list[0].Error)
}

// The warehouse corrects a return it sent (unlock_request): the old
// salesreturn is deleted, the order is back at «Отгружен», and the
// replacement is booked once.
func TestReturnCorrected(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	doc, id, dm := b.shippedOrder(t, "00304", line{b.p.kettle, 2})
	before := b.stock(b.store, b.p.kettle)
	ret, err := b.fb.PartReturn(id, fboxtest.ReturnLine{GoodID: "KT-1700", Stock: 2})
	require.NoError(t, err)
	_, old := b.returned(t, ret, id)
	require.Len(t, old, 1)
	b.waitStatus(t, co, doc.ID, "Возврат")

	require.NoError(t, b.fb.ReplaceOutdoc(ret, func(body any) error {
		body.(*fulfillment.OrdersReturn).Orders[0].Goods[0].StockQnt = 1
		return nil
	}))
	b.pollNow(t) // sees unlock_request: reverts, unlocks; the warehouse replaces it
	d := b.waitStatus(t, co, doc.ID, "Отгружен")
	require.Contains(t, lastLine(t, d), "Склад БетаПРО отозвал документ возврата "+strconv.FormatInt(ret, 10)+" для исправления (отмена док. склада")
	b.waitRow(t, co, doc.ID, "shipped")
	_, err = b.ms.Document(sr, old[0].ID)
	require.Error(t, err, "the old salesreturn is deleted")
	require.Equal(t, before, b.stock(b.store, b.p.kettle))
	require.Eventually(t, func() bool { h, _ := b.fb.Outdoc(ret); return !h.Locked }, patience, 20*time.Millisecond)

	next := b.replacement(t, doc.ID, fulfillment.OutdocOrdersPartReturn, ret)
	_, docs := b.returned(t, next, id)
	require.Len(t, docs, 1)
	require.Equal(t, map[string]float64{"KT-1700": 1}, quantities(docs[0]))
	b.waitStatus(t, co, doc.ID, "Частичный возврат")
	b.waitStatus(t, moysklad.TypeDemand, dm.ID, "Частичный возврат")
	require.Equal(t, 1, b.count(t, sr))
	require.Equal(t, before+1, b.stock(b.store, b.p.kettle))
}

// The warehouse corrects an orders_shipment after a return of its order
// was booked: MoySklad does not un-post a demand with a posted return
// (17014), so the demand stays posted and says so, and the corrected
// document sets that demand again instead of making a second one; the
// order keeps «Частичный возврат», the stock is the warehouse's.
func TestShipmentCorrectedAfterAReturn(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	doc, id, dm := b.shippedOrder(t, "00306", line{b.p.kettle, 2})
	ret, err := b.fb.PartReturn(id, fboxtest.ReturnLine{GoodID: "KT-1700", Stock: 1})
	require.NoError(t, err)
	_, returned := b.returned(t, ret, id)
	require.Len(t, returned, 1)
	b.waitStatus(t, co, doc.ID, "Частичный возврат")
	stock := b.stock(b.store, b.p.kettle)
	ship := b.orderOutdoc(t, doc.ID, fulfillment.OutdocOrdersShipment, 0)
	require.NotZero(t, ship)

	require.NoError(t, b.fb.CorrectOrdersShipment(ship, func(s *fulfillment.OrdersShipment) { s.Orders[0].DispatchNumber = "CORRECTED-1" }))
	b.pollNow(t) // sees unlock_request: reverts, unlocks; the warehouse replaces it
	require.Eventually(t, func() bool {
		d, err := b.ms.Document(co, doc.ID)
		return err == nil && strings.Contains(d.Description, "отгрузка "+dm.Name+" осталась проведённой (по ней проведён возврат)")
	}, patience, 20*time.Millisecond)
	require.Eventually(t, func() bool { h, found := b.fb.Outdoc(ship); return !found || !h.Locked }, patience, 20*time.Millisecond)

	next := b.replacement(t, doc.ID, fulfillment.OutdocOrdersShipment, ship)
	require.Equal(t, dm.ID, b.demandOf(t, next, id).ID, "the kept demand, not a new one")
	require.Equal(t, 1, b.demands(t))
	x, err := b.ms.Document(moysklad.TypeDemand, dm.ID)
	require.NoError(t, err)
	require.True(t, x.Applicable)
	require.Equal(t, map[string]float64{"KT-1700": 2}, quantities(x))
	d := b.waitStatus(t, co, doc.ID, "Частичный возврат")
	require.Contains(t, lastLine(t, d), "Исправленный документ отгрузки склада БетаПРО")
	require.Contains(t, lastLine(t, d), "отгрузка "+dm.Name+" изменена")
	require.Equal(t, stock, b.stock(b.store, b.p.kettle))
	_, err = b.ms.Document(sr, returned[0].ID)
	require.NoError(t, err, "the return stays")
}

// Staff booked a return on the demand by hand, so the order is still
// «Отгружен» when the warehouse corrects its shipment: the demand stays
// posted (17014), the order goes back to «Собирается», and the corrected
// document ships it on that same demand.
func TestShipmentCorrectedAfterAReturnStaffBooked(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	doc, _, dm := b.shippedOrder(t, "00307", line{b.p.kettle, 2})
	tmpl, err := b.svc.MoySklad.Template(b.ctx, sr, &moysklad.Ref{Meta: dm.Meta})
	require.NoError(t, err)
	tmpl.Applicable = true
	_, err = b.svc.MoySklad.Create(b.ctx, sr, *tmpl, moysklad.SyncID("staff", doc.ID))
	require.NoError(t, err)
	ship := b.orderOutdoc(t, doc.ID, fulfillment.OutdocOrdersShipment, 0)
	require.NoError(t, b.fb.CorrectOrdersShipment(ship, nil))
	b.pollNow(t)
	d := b.waitStatus(t, co, doc.ID, "Собирается")
	require.Contains(t, lastLine(t, d), "отгрузка "+dm.Name+" осталась проведённой (по ней проведён возврат), исправленный документ изменит её, заказ снова на сборке")

	require.Eventually(t, func() bool {
		b.pollNow(t)
		x, err := b.ms.Document(co, doc.ID)
		return err == nil && x.StateName() == "Отгружен"
	}, patience, 50*time.Millisecond, "the replacement ships it")
	require.Equal(t, 1, b.demands(t))
	x, err := b.ms.Document(moysklad.TypeDemand, dm.ID)
	require.NoError(t, err)
	require.True(t, x.Applicable)
	require.Equal(t, map[string]float64{"KT-1700": 2}, quantities(x))
}

// MoySklad creates the salesreturn but the answer is lost: the retry finds
// it by its syncId and creates nothing twice.
func TestReturnLostAnswerCreatesOnce(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	doc, id, _ := b.shippedOrder(t, "00305", line{b.p.kettle, 1})
	ret, err := b.fb.FullReturn(id, 1, "Отказ от получения", fboxtest.ReturnLine{GoodID: "KT-1700", Stock: 1})
	require.NoError(t, err)
	b.ms.DropAnswerNext("POST", "/entity/salesreturn")
	_, docs := b.returned(t, ret, id)
	require.Len(t, docs, 1)
	b.waitStatus(t, co, doc.ID, "Возврат")
	require.Equal(t, 1, b.count(t, sr), "no second salesreturn")
	require.True(t, slices.ContainsFunc(b.ms.Requests(), func(r moyskladtest.Request) bool {
		return r.Method == "GET" && strings.HasSuffix(r.Path, "/entity/salesreturn") && strings.Contains(r.RawQuery, "syncId")
	}), "the answer was lost: the salesreturn was looked up by its syncId")
}

// MoySklad refuses the salesreturn: the share fails for good, the order
// keeps its status and says why; the document is not held up.
func TestReturnRefusedByMoySklad(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, 10)
	doc, id, _ := b.shippedOrder(t, "00306", line{b.p.kettle, 1})
	ret, err := b.fb.FullReturn(id, 1, "Отказ от получения", fboxtest.ReturnLine{GoodID: "KT-1700", Stock: 1})
	require.NoError(t, err)
	b.ms.FailNext(moyskladtest.Fault{Method: "POST", PathContains: "/entity/salesreturn", Status: 412, Code: 3000,
		Message: "Ошибка сохранения объекта: поле 'store' не может быть пустым или отсутствовать"})
	p, docs := b.returned(t, ret, id)
	require.Equal(t, storage.PartFailed, p.Status)
	require.Empty(t, docs)
	require.Zero(t, b.count(t, sr))
	require.Eventually(t, func() bool {
		d, err := b.ms.Document(co, doc.ID)
		return err == nil && strings.Contains(skladflowtest.LastLine(d), "Ошибка возврата: склад БетаПРО (док. склада "+strconv.FormatInt(ret, 10)+
			"), полный возврат: МойСклад отказал: ошибка 3000: Ошибка сохранения объекта")
	}, patience, 20*time.Millisecond)
	d, err := b.ms.Document(co, doc.ID)
	require.NoError(t, err)
	require.Equal(t, "Отгружен", d.StateName())
	require.Equal(t, "shipped", b.row(t, co, doc.ID).State)
	tl, err := b.svc.Store.Timeline(b.ctx, co, doc.ID)
	require.NoError(t, err)
	require.True(t, slices.ContainsFunc(tl, func(e storage.TimelineEntry) bool {
		return e.Kind == storage.KindError && strings.Contains(e.Message, "3000")
	}))
}

// A closed period (17009) is not a refusal: support is alerted and the
// return is booked once staff reopen the period.
func TestReturnInAClosedPeriodWaits(t *testing.T) {
	t.Parallel()
	url, alerts := alertTarget(t)
	b := setupOrders(t, 10, func(c *config.Config) { c.Alerts = config.Alerts{URL: url} })
	doc, id, _ := b.shippedOrder(t, "00307", line{b.p.kettle, 1})
	ret, err := b.fb.FullReturn(id, 1, "Отказ от получения", fboxtest.ReturnLine{GoodID: "KT-1700", Stock: 1})
	require.NoError(t, err)
	b.ms.ClosePeriod(time.Now().Add(time.Hour))
	b.pollNow(t)
	require.Eventually(t, func() bool {
		return slices.ContainsFunc(alerts(), func(s string) bool { return strings.Contains(s, "период закрыт (ошибка 17009)") })
	}, patience, 20*time.Millisecond)
	_, err = b.svc.Store.OutdocPart(b.ctx, skladflowtest.Warehouse, ret, id)
	require.ErrorIs(t, err, storage.ErrNotFound, "not recorded: it waits")
	h, _ := b.fb.Outdoc(ret)
	require.False(t, h.Locked)

	require.Zero(t, b.count(t, sr))

	b.ms.ClosePeriod(time.Time{})
	_, docs := b.returned(t, ret, id) // the period is open again: the next read books it
	require.Len(t, docs, 1)
	b.waitStatus(t, co, doc.ID, "Возврат")
}
