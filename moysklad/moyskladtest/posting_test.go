package moyskladtest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

func TestDemandWithAPostedReturnCannotBeUnposted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	buyer := b.srv.AddCounterparty(moyskladtest.CounterpartySpec{Name: "Покупатель"})
	d, err := b.srv.CreateDocument("demand", moyskladtest.DocumentSpec{Agent: buyer.ID, Store: b.store.ID, Applicable: true,
		Positions: []moyskladtest.PositionSpec{{ProductID: b.p.ID, Quantity: 2}}})
	require.NoError(t, err)
	tpl := b.call(t, "PUT", "/entity/salesreturn/new", map[string]any{"demand": ref(d.Meta)})
	require.Equal(t, 200, tpl.status, string(tpl.raw))
	body := map[string]any{"organization": tpl.body["organization"], "agent": tpl.body["agent"], "store": tpl.body["store"],
		"demand": tpl.body["demand"], "positions": tpl.body["positions"].(map[string]any)["rows"]}
	ret := b.call(t, "POST", "/entity/salesreturn", body)
	require.Equal(t, 200, ret.status, string(ret.raw))

	// moysklad.md §4.4: 17014, cannot un-post a document that has a posted return.
	a := b.call(t, "PUT", "/entity/demand/"+d.ID, map[string]any{"applicable": false})
	require.Equal(t, 412, a.status, string(a.raw))
	require.EqualValues(t, 17014, code(a))
	require.Equal(t, true, b.call(t, "GET", "/entity/demand/"+d.ID, nil).body["applicable"])

	a = b.call(t, "PUT", "/entity/salesreturn/"+ret.body["id"].(string), map[string]any{"applicable": false})
	require.Equal(t, 200, a.status, string(a.raw))
	a = b.call(t, "PUT", "/entity/demand/"+d.ID, map[string]any{"applicable": false})
	require.Equal(t, 200, a.status, "the return un-posted, the demand may be: "+string(a.raw))
}

func TestLineVATMustBeAPercent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d := b.supply(t)
	for _, vat := range []any{-1, 101, 12.5, "20"} {
		a := b.call(t, "PUT", "/entity/supply/"+d.ID, map[string]any{"positions": []any{
			map[string]any{"quantity": 1, "vat": vat, "assortment": ref(b.p.Meta)}}})
		require.Equal(t, 400, a.status, "spec: vat is an integer 0–100, %v refused", vat)
		require.Equal(t, "vat", param(a))
	}
	a := b.call(t, "PUT", "/entity/supply/"+d.ID, map[string]any{"positions": []any{
		map[string]any{"quantity": 1, "vat": 0, "assortment": ref(b.p.Meta)}}})
	require.Equal(t, 200, a.status, string(a.raw))
}
