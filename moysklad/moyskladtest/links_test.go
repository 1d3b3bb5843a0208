package moyskladtest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

// order is a customer order of 3 × b.p at 1000 kopecks, 10 % off, 2 reserved.
func (b *bundle) order(t *testing.T) (orderID, buyerID string) {
	t.Helper()
	buyer := b.srv.AddCounterparty(moyskladtest.CounterpartySpec{Name: "Иван Петров", Phone: "+79001234567", Email: "ivan@example.ru"})
	ch := b.srv.AddSalesChannel("Магазин на Озоне", "ozon")
	d, err := b.srv.CreateDocument("customerorder", moyskladtest.DocumentSpec{Name: "7", Agent: buyer.ID, Store: b.store.ID,
		SalesChannel: ch.ID(),
		Positions:    []moyskladtest.PositionSpec{{ProductID: b.p.ID, Quantity: 3, Price: 1000, Discount: 10, Reserve: 2}}})
	require.NoError(t, err)
	return d.ID, buyer.ID
}

func TestDemandFromOrderIsLinkedBothWays(t *testing.T) {
	t.Parallel()
	b := setup(t)
	orderID, _ := b.order(t)
	o := b.call(t, "GET", "/entity/customerorder/"+orderID+"?expand=positions,agent,salesChannel", nil)
	require.Equal(t, 200, o.status)
	// spec customerOrder.yaml: reservedSum, sum in kopecks; customerOrderPosition.yaml: reserve, discount.
	require.EqualValues(t, 2700, o.body["sum"])
	require.EqualValues(t, 1800, o.body["reservedSum"])
	require.EqualValues(t, 0, o.body["shippedSum"])
	require.Nil(t, o.body["demands"], "no demand yet")
	require.Equal(t, "+79001234567", o.body["agent"].(map[string]any)["phone"], "agent expanded")
	require.Equal(t, "ozon", o.body["salesChannel"].(map[string]any)["code"], "salesChannel expanded")

	// demand-new.yaml: a template on the order, positions replaced in the POST.
	tpl := b.call(t, "PUT", "/entity/demand/new", map[string]any{"customerOrder": ref(o.body["meta"])})
	require.Equal(t, 200, tpl.status, string(tpl.raw))
	require.NotNil(t, tpl.body["customerOrder"])
	body := map[string]any{}
	for k, v := range tpl.body {
		body[k] = v
	}
	row := tpl.body["positions"].(map[string]any)["rows"].([]any)[0].(map[string]any)
	row["quantity"] = 2.0
	body["positions"], body["applicable"] = []any{row}, true
	a := b.call(t, "POST", "/entity/demand", body)
	require.Equal(t, 200, a.status, string(a.raw))
	demandID := a.body["id"].(string)
	require.Equal(t, orderID, idOfRef(a.body["customerOrder"]), "demand.yaml: customerOrder")
	require.EqualValues(t, 1800, a.body["sum"], "2 × 1000 less 10 %")

	o = b.call(t, "GET", "/entity/customerorder/"+orderID+"?expand=positions", nil)
	demands := o.body["demands"].([]any)
	require.Len(t, demands, 1, "customerOrder.yaml: demands")
	require.Equal(t, demandID, idOfRef(demands[0]))
	require.EqualValues(t, 2, o.body["positions"].(map[string]any)["rows"].([]any)[0].(map[string]any)["shipped"])
	require.EqualValues(t, 1800, o.body["shippedSum"])

	// An un-posted demand ships nothing but stays linked.
	a = b.call(t, "PUT", "/entity/demand/"+demandID, map[string]any{"applicable": false})
	require.Equal(t, 200, a.status, string(a.raw))
	o = b.call(t, "GET", "/entity/customerorder/"+orderID+"/positions", nil)
	require.EqualValues(t, 0, o.body["rows"].([]any)[0].(map[string]any)["shipped"])
	o = b.call(t, "GET", "/entity/customerorder/"+orderID, nil)
	require.Len(t, o.body["demands"], 1)

	// A PUT cannot rewrite the link from the order's side (computed, read-only here).
	a = b.call(t, "PUT", "/entity/customerorder/"+orderID, map[string]any{"demands": []any{}})
	require.Equal(t, 200, a.status)
	require.Len(t, a.body["demands"], 1)
}

func TestLinkToUnknownOrderIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	buyer := b.srv.AddCounterparty(moyskladtest.CounterpartySpec{Name: "Покупатель"})
	tpl := b.call(t, "PUT", "/entity/demand/new", map[string]any{})
	missing := map[string]any{"href": b.srv.URL() + "/entity/customerorder/00000000-0000-0000-0000-000000000000",
		"type": "customerorder", "mediaType": "application/json"}
	a := b.call(t, "POST", "/entity/demand", map[string]any{"organization": tpl.body["organization"], "agent": ref(buyer.Meta),
		"store": ref(b.store.Meta), "applicable": false, "customerOrder": ref(missing)})
	require.Equal(t, 404, a.status)
	require.EqualValues(t, 1021, code(a))
	require.Empty(t, b.call(t, "GET", "/entity/demand", nil).body["rows"])
}

func TestDeleteDocumentEndsItsStockAndLink(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := newReceiver(t, 0, 204)
	a := b.call(t, "POST", "/entity/webhook", map[string]any{"entityType": "demand", "action": "DELETE", "url": r.srv.URL})
	require.Equal(t, 200, a.status, string(a.raw))
	orderID, buyerID := b.order(t)
	require.NoError(t, b.srv.SetStock(b.store.ID, b.p.ID, 5))
	d, err := b.srv.CreateDocument("demand", moyskladtest.DocumentSpec{Agent: buyerID, Store: b.store.ID, CustomerOrder: orderID,
		Applicable: true, Positions: []moyskladtest.PositionSpec{{ProductID: b.p.ID, Quantity: 3}}})
	require.NoError(t, err)
	require.Equal(t, 2.0, b.srv.Stock(b.store.ID, b.p.ID))

	a = b.call(t, "DELETE", "/entity/demand/"+d.ID, nil)
	require.Equal(t, 200, a.status, string(a.raw))
	require.Equal(t, 404, b.call(t, "GET", "/entity/demand/"+d.ID, nil).status)
	require.Equal(t, 5.0, b.srv.Stock(b.store.ID, b.p.ID), "its movements are gone")
	require.Nil(t, b.call(t, "GET", "/entity/customerorder/"+orderID, nil).body["demands"], "and its link")
	require.Equal(t, 404, b.call(t, "DELETE", "/entity/demand/"+d.ID, nil).status)
	require.Eventually(t, func() bool { return r.n.Load() == 1 }, 5*time.Second, 10*time.Millisecond, "DELETE is fired")
}

func TestPurchaseReturnIsADocumentType(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := newReceiver(t, 0, 204)
	a := b.call(t, "POST", "/entity/webhook", map[string]any{"entityType": "purchasereturn", "action": "UPDATE",
		"url": r.srv.URL, "diffType": "FIELDS"})
	require.Equal(t, 200, a.status, string(a.raw))
	b.srv.AddState("purchasereturn", "Передать", "")
	supplier := b.srv.AddCounterparty(moyskladtest.CounterpartySpec{Name: "Поставщик"})

	_, err := b.srv.CreateDocument("purchasereturn", moyskladtest.DocumentSpec{Agent: supplier.ID,
		Positions: []moyskladtest.PositionSpec{{ProductID: b.p.ID, Quantity: 1}}})
	require.Error(t, err, "moysklad.md §4.1: a purchasereturn needs a store")
	d, err := b.srv.CreateDocument("purchasereturn", moyskladtest.DocumentSpec{Name: "В-1", Agent: supplier.ID, Store: b.store.ID,
		Positions: []moyskladtest.PositionSpec{{ProductID: b.p.ID, Quantity: 2, Price: 500}}})
	require.NoError(t, err)
	require.Equal(t, "purchasereturn", d.Type())
	require.Len(t, d.Rows(), 1)

	require.NoError(t, b.srv.SetState("purchasereturn", d.ID, "Передать"))
	require.Eventually(t, func() bool { return r.n.Load() == 1 }, 5*time.Second, 10*time.Millisecond, "UPDATE is fired")
	list := b.call(t, "GET", "/entity/purchasereturn?filter=state.name=Передать&expand=positions", nil)
	require.Equal(t, 200, list.status)
	rows := list.body["rows"].([]any)
	require.Len(t, rows, 1)
	pos := rows[0].(map[string]any)["positions"].(map[string]any)
	require.Equal(t, "purchasereturnposition", pos["meta"].(map[string]any)["type"])

	// purchasereturn-new.yaml: a template on a supply carries its store and lines.
	sup := b.supply(t)
	tpl := b.call(t, "PUT", "/entity/purchasereturn/new", map[string]any{"supply": ref(sup.Meta)})
	require.Equal(t, 200, tpl.status, string(tpl.raw))
	require.Equal(t, b.store.ID, idOfRef(tpl.body["store"]))
	require.Len(t, tpl.body["positions"].(map[string]any)["rows"], 2)
	body := map[string]any{}
	for k, v := range tpl.body {
		body[k] = v
	}
	body["positions"], body["applicable"] = tpl.body["positions"].(map[string]any)["rows"], false
	delete(body, "agent")
	a = b.call(t, "POST", "/entity/purchasereturn", body)
	require.Equal(t, 412, a.status, "moysklad.md §4.1: agent is required")
	body["agent"] = ref(supplier.Meta)
	a = b.call(t, "POST", "/entity/purchasereturn", body)
	require.Equal(t, 200, a.status, string(a.raw))
	require.Equal(t, sup.ID, idOfRef(a.body["supply"]), "purchaseReturn.yaml: supply")
}

// idOfRef is the id of a reference's meta.href.
func idOfRef(v any) string {
	href := v.(map[string]any)["meta"].(map[string]any)["href"].(string)
	return href[len(href)-36:]
}
