package moyskladtest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

func TestClosedPeriodRefusesPostedDocuments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	spec := moyskladtest.DocumentSpec{Name: "1", Store: b.store.ID, Applicable: true,
		Positions: []moyskladtest.PositionSpec{{ProductID: b.p.ID, Quantity: 2, Price: 100}}}
	old, err := b.srv.CreateDocument("supply", spec) // posted while the period is open
	require.NoError(t, err)
	draft, err := b.srv.CreateDocument("supply", moyskladtest.DocumentSpec{Name: "2", Store: b.store.ID,
		Positions: spec.Positions})
	require.NoError(t, err)

	b.srv.ClosePeriod(time.Now().Add(time.Hour))
	_, err = b.srv.CreateDocument("supply", spec)
	require.ErrorContains(t, err, "17009", "a posted document cannot be created in the closed period")

	a := b.call(t, "PUT", "/entity/supply/"+old.ID, map[string]any{"description": "правка"})
	require.Equal(t, 412, a.status, string(a.raw))
	require.EqualValues(t, 17009, code(a), "moysklad.md §4.4: a posted document in the closed period is not changed")
	a = b.call(t, "PUT", "/entity/supply/"+old.ID, map[string]any{"applicable": false})
	require.EqualValues(t, 17009, code(a), "nor un-posted")
	require.ErrorContains(t, b.srv.SetApplicable("supply", old.ID, false), "17009")
	a = b.call(t, "PUT", "/entity/supply/"+draft.ID, map[string]any{"applicable": true})
	require.EqualValues(t, 17009, code(a), "nor is a draft posted")
	require.Equal(t, 2.0, b.srv.Stock(b.store.ID, b.p.ID), "the refusals moved nothing")

	a = b.call(t, "PUT", "/entity/supply/"+draft.ID, map[string]any{"description": "черновик можно"})
	require.Equal(t, 200, a.status, "a draft is not refused: %s", a.raw)
	body := map[string]any{"organization": ref(b.srv.Organization().Meta), "store": ref(b.store.Meta),
		"agent":     ref(b.srv.AddCounterparty(moyskladtest.CounterpartySpec{Name: "Поставщик"}).Meta),
		"positions": []any{map[string]any{"assortment": ref(b.p.Meta), "quantity": 1}}}
	a = b.call(t, "POST", "/entity/supply", body)
	require.Equal(t, 412, a.status, "a POST is posted by default: %s", a.raw)
	require.EqualValues(t, 17009, code(a))
	body["moment"] = time.Now().Add(2 * time.Hour).In(moysklad.Moscow).Format(moysklad.MomentLayoutSeconds)
	a = b.call(t, "POST", "/entity/supply", body)
	require.Equal(t, 200, a.status, "dated after the closing date: %s", a.raw)
	body["moment"], body["applicable"] = "2020-01-01 00:00:00", false
	a = b.call(t, "POST", "/entity/supply", body)
	require.Equal(t, 200, a.status, "a draft in the closed period: %s", a.raw)
	a = b.call(t, "PUT", "/entity/supply/"+a.body["id"].(string), map[string]any{"applicable": true})
	require.EqualValues(t, 17009, code(a))

	b.srv.ClosePeriod(time.Time{})
	a = b.call(t, "PUT", "/entity/supply/"+old.ID, map[string]any{"applicable": false})
	require.Equal(t, 200, a.status, "reopened: %s", a.raw)
	_, err = b.srv.CreateDocument("supply", spec)
	require.NoError(t, err)
}
