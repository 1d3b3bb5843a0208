package moyskladtest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

// shipment is an unposted document of typ taking q units of b.p out of
// b.store (a move: to other), made by staff.
func (b *bundle) shipment(t *testing.T, typ string, q float64, other string) string {
	t.Helper()
	spec := moyskladtest.DocumentSpec{Name: typ, Store: b.store.ID, SourceStore: b.store.ID, TargetStore: other,
		Positions: []moyskladtest.PositionSpec{{ProductID: b.p.ID, Quantity: q, Price: 100}}}
	if typ == "demand" || typ == "purchasereturn" {
		spec.Agent = b.srv.AddCounterparty(moyskladtest.CounterpartySpec{Name: "Контрагент"}).ID
	}
	d, err := b.srv.CreateDocument(typ, spec)
	require.NoError(t, err)
	return d.ID
}

func TestStockFollowsPostedDocuments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other := b.srv.AddStore("Второй склад")
	require.NoError(t, b.srv.SetStock(b.store.ID, b.p.ID, 10))
	require.Equal(t, 10.0, b.srv.Stock(b.store.ID, b.p.ID))

	// moysklad.md §4.4: only posted documents move stock.
	sup := b.supply(t) // 2 + 3 units, a draft
	require.Equal(t, 10.0, b.srv.Stock(b.store.ID, b.p.ID), "a draft supply moves nothing")
	a := b.call(t, "PUT", "/entity/supply/"+sup.ID, map[string]any{"applicable": true})
	require.Equal(t, 200, a.status, string(a.raw))
	require.Equal(t, 15.0, b.srv.Stock(b.store.ID, b.p.ID), "a posted supply adds")

	for typ, q := range map[string]float64{"demand": 1, "purchasereturn": 2, "loss": 3} {
		id := b.shipment(t, typ, q, "")
		a = b.call(t, "PUT", "/entity/"+typ+"/"+id, map[string]any{"applicable": true})
		require.Equal(t, 200, a.status, typ+": "+string(a.raw))
	}
	require.Equal(t, 9.0, b.srv.Stock(b.store.ID, b.p.ID), "posted demand, purchasereturn and loss take away")
	for _, typ := range []string{"enter", "salesreturn"} {
		id := b.shipment(t, typ, 1, "")
		require.NoError(t, b.srv.SetApplicable(typ, id, true))
	}
	require.Equal(t, 11.0, b.srv.Stock(b.store.ID, b.p.ID), "posted enter and salesreturn add")
	require.NoError(t, b.srv.SetStock(b.store.ID, b.p.ID, 9))

	mv := b.shipment(t, "move", 4, other.ID)
	a = b.call(t, "PUT", "/entity/move/"+mv, map[string]any{"applicable": true})
	require.Equal(t, 200, a.status, string(a.raw))
	require.Equal(t, 5.0, b.srv.Stock(b.store.ID, b.p.ID), "a move takes from its source")
	require.Equal(t, 4.0, b.srv.Stock(other.ID, b.p.ID), "and adds to its target")

	a = b.call(t, "PUT", "/entity/move/"+mv, map[string]any{"applicable": false})
	require.Equal(t, 200, a.status, string(a.raw))
	require.Equal(t, 9.0, b.srv.Stock(b.store.ID, b.p.ID), "un-posting gives it back")
	require.Equal(t, 0.0, b.srv.Stock(other.ID, b.p.ID))

	require.NoError(t, b.srv.SetStock(b.store.ID, b.p.ID, 2))
	require.Equal(t, 2.0, b.srv.Stock(b.store.ID, b.p.ID), "SetStock sets the stock now, whatever was posted")
}

func TestShippingStockCheckRefusesAndSavesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, moyskladtest.Options{CheckShippingStock: true})
	require.NoError(t, b.srv.SetStock(b.store.ID, b.p.ID, 3))
	other := b.srv.AddStore("Второй склад")

	for _, typ := range []string{"demand", "purchasereturn", "move"} {
		id := b.shipment(t, typ, 4, other.ID)
		a := b.call(t, "PUT", "/entity/"+typ+"/"+id, map[string]any{"applicable": true, "description": "проведи"})
		// companySettings.yaml checkShippingStock; moysklad.md §4.4 (code: the emulator's choice).
		require.Equal(t, 412, a.status, typ)
		require.EqualValues(t, 17015, code(a), typ)
		require.Contains(t, a.body["errors"].([]any)[0].(map[string]any)["error"], "недостаточно товара 'Чайник'")
		got := b.call(t, "GET", "/entity/"+typ+"/"+id, nil)
		require.Equal(t, false, got.body["applicable"], "%s: nothing is saved", typ)
		require.Empty(t, got.body["description"], "%s: not even the other fields", typ)
		require.Equal(t, 3.0, b.srv.Stock(b.store.ID, b.p.ID))
	}

	// Exactly the stock on hand may be shipped; the next unit may not.
	id := b.shipment(t, "demand", 3, "")
	a := b.call(t, "PUT", "/entity/demand/"+id, map[string]any{"applicable": true})
	require.Equal(t, 200, a.status, string(a.raw))
	require.Equal(t, 0.0, b.srv.Stock(b.store.ID, b.p.ID))
	a = b.call(t, "PUT", "/entity/demand/"+id, map[string]any{"description": "сохранена повторно"})
	require.Equal(t, 200, a.status, "re-saving a posted demand ships nothing more: "+string(a.raw))
	rows := b.call(t, "GET", "/entity/demand/"+id+"/positions", nil).body["rows"].([]any)
	row := rows[0].(map[string]any)
	a = b.call(t, "PUT", "/entity/demand/"+id, map[string]any{"positions": []any{map[string]any{"id": row["id"], "quantity": 4}}})
	require.Equal(t, 412, a.status, "a posted demand's line may not grow beyond stock")
	require.Error(t, b.srv.SetApplicable("demand", b.shipment(t, "demand", 1, ""), true), "staff meet the same refusal")

	// Un-posting is never refused; and without the setting the stock may go below zero.
	a = b.call(t, "PUT", "/entity/demand/"+id, map[string]any{"applicable": false})
	require.Equal(t, 200, a.status, string(a.raw))
	require.NoError(t, b.srv.SetApplicable("loss", b.shipment(t, "loss", 4, ""), true), "a write-off is not a shipment: not checked")
	require.Equal(t, -1.0, b.srv.Stock(b.store.ID, b.p.ID))
	b.srv.SetCheckShippingStock(false)
	require.NoError(t, b.srv.SetApplicable("demand", b.shipment(t, "demand", 5, ""), true))
	require.Equal(t, -6.0, b.srv.Stock(b.store.ID, b.p.ID))
}

func TestPostingACreatedShipmentChecksStock(t *testing.T) {
	t.Parallel()
	b := setup(t, moyskladtest.Options{CheckShippingStock: true})
	buyer := b.srv.AddCounterparty(moyskladtest.CounterpartySpec{Name: "Покупатель"})
	tpl := b.call(t, "PUT", "/entity/demand/new", map[string]any{})
	body := map[string]any{"organization": tpl.body["organization"], "agent": ref(buyer.Meta), "store": ref(b.store.Meta),
		"positions": []any{map[string]any{"quantity": 1, "assortment": ref(b.p.Meta)}}}
	a := b.call(t, "POST", "/entity/demand", body)
	require.Equal(t, 412, a.status, "a POST is posted by default and meets the check")
	require.EqualValues(t, 17015, code(a))
	require.Empty(t, b.call(t, "GET", "/entity/demand", nil).body["rows"], "nothing is created")

	body["applicable"] = false
	a = b.call(t, "POST", "/entity/demand", body)
	require.Equal(t, 200, a.status, "a draft is not checked: "+string(a.raw))
	_, err := b.srv.CreateDocument("demand", moyskladtest.DocumentSpec{Agent: buyer.ID, Store: b.store.ID, Applicable: true,
		Positions: []moyskladtest.PositionSpec{{ProductID: b.p.ID, Quantity: 1}}})
	require.ErrorContains(t, err, "недостаточно товара", "staff cannot post it either")

	svc := b.srv.AddService(moyskladtest.ServiceSpec{Name: "Доставка"})
	_, err = b.srv.CreateDocument("demand", moyskladtest.DocumentSpec{Agent: buyer.ID, Store: b.store.ID, Applicable: true,
		Positions: []moyskladtest.PositionSpec{{ProductID: svc.ID, Quantity: 1, Price: 30000}}})
	require.NoError(t, err, "a service has no stock to check (spec service.yaml)")
}

func TestFieldsStockOnLines(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.srv.SetStock(b.store.ID, b.p.ID, 10))
	orderID, buyerID := b.order(t) // 3 ordered, 2 reserved
	_, err := b.srv.CreateDocument("demand", moyskladtest.DocumentSpec{Agent: buyerID, Store: b.store.ID, CustomerOrder: orderID,
		Applicable: true, Positions: []moyskladtest.PositionSpec{{ProductID: b.p.ID, Quantity: 1}}})
	require.NoError(t, err)

	// moysklad.md §4.3, spec common/positionStock.yaml: only with ?fields=stock.
	a := b.call(t, "GET", "/entity/customerorder/"+orderID+"?expand=positions", nil)
	line := a.body["positions"].(map[string]any)["rows"].([]any)[0].(map[string]any)
	require.NotContains(t, line, "stock")
	a = b.call(t, "GET", "/entity/customerorder/"+orderID+"?expand=positions&fields=stock", nil)
	line = a.body["positions"].(map[string]any)["rows"].([]any)[0].(map[string]any)
	st := line["stock"].(map[string]any)
	require.EqualValues(t, 9, st["quantity"], "10 less the posted demand's 1")
	require.EqualValues(t, 1, st["reserve"], "2 reserved less 1 shipped")
	require.EqualValues(t, 8, st["available"])
}
