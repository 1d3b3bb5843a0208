package moyskladtest_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

func ref(m any) map[string]any { return map[string]any{"meta": m} }

func TestTemplatesChainAndCreateRules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := newReceiver(t, 0, 204)
	a := b.call(t, "POST", "/entity/webhook", map[string]any{"entityType": "salesreturn", "action": "CREATE", "url": r.srv.URL})
	require.Equal(t, 200, a.status, string(a.raw))
	buyer := b.srv.AddCounterparty(moyskladtest.CounterpartySpec{Name: "Покупатель"})
	d, err := b.srv.CreateDocument("demand", moyskladtest.DocumentSpec{Name: "1", Agent: buyer.ID, Store: b.store.ID,
		Positions: []moyskladtest.PositionSpec{{ProductID: b.p.ID, Quantity: 2, Price: 100}}})
	require.NoError(t, err)

	// salesreturn-new.yaml: a template on a demand carries its store, agent and lines.
	tpl := b.call(t, "PUT", "/entity/salesreturn/new", map[string]any{"demand": ref(d.Meta)})
	require.Equal(t, 200, tpl.status, string(tpl.raw))
	require.Nil(t, tpl.body["id"], "a template is not saved")
	rows := tpl.body["positions"].(map[string]any)["rows"].([]any)
	require.Len(t, rows, 1)
	require.EqualValues(t, 2, rows[0].(map[string]any)["quantity"])

	body := map[string]any{}
	for k, v := range tpl.body {
		body[k] = v
	}
	body["positions"], body["syncId"] = rows, "2b0a7a4e-4d2f-5a51-9c1e-0f6b7e5d2a10"
	delete(body, "store")
	a = b.call(t, "POST", "/entity/salesreturn", body)
	require.Equal(t, 412, a.status, "moysklad.md §4.1: a salesreturn needs a store")
	require.EqualValues(t, 3000, code(a))

	body["store"] = tpl.body["store"]
	a = b.call(t, "POST", "/entity/salesreturn", body)
	require.Equal(t, 200, a.status, string(a.raw))
	id := a.body["id"].(string)
	again := b.call(t, "POST", "/entity/salesreturn", body)
	require.Equal(t, 412, again.status)
	require.EqualValues(t, 3006, code(again), "a syncId is used once")

	list := b.call(t, "GET", "/entity/salesreturn?filter=syncId=2b0a7a4e-4d2f-5a51-9c1e-0f6b7e5d2a10", nil)
	require.EqualValues(t, 1, list.body["meta"].(map[string]any)["size"])
	got, err := b.srv.Document("salesreturn", id)
	require.NoError(t, err)
	require.Len(t, got.Rows(), 1)
	require.Eventually(t, func() bool { return r.n.Load() == 1 }, 5*time.Second, 10*time.Millisecond, "CREATE is fired")
	var n moysklad.Notification
	require.NoError(t, json.Unmarshal(b.srv.Deliveries()[0].Body, &n))
	require.Equal(t, "CREATE", n.Events[0].Action)

	// loss-new.yaml: a loss on the salesreturn.
	loss := b.call(t, "PUT", "/entity/loss/new", map[string]any{"salesReturn": ref(a.body["meta"])})
	require.Equal(t, 200, loss.status, string(loss.raw))
	require.NotNil(t, loss.body["store"])
	require.Len(t, loss.body["positions"].(map[string]any)["rows"], 1)

	// move: both stores are required, the same store cannot be posted (§4.4).
	mv := b.call(t, "POST", "/entity/move", map[string]any{"organization": loss.body["organization"],
		"sourceStore": ref(b.store.Meta), "targetStore": ref(b.store.Meta)})
	require.Equal(t, 400, mv.status)
	require.EqualValues(t, 21000, code(mv))
}
