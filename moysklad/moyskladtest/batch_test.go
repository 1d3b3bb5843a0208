package moyskladtest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

// elements decodes a mass answer: an array in the request's order.
func elements(t *testing.T, a answer) []map[string]any {
	t.Helper()
	var out []map[string]any
	require.NoError(t, json.Unmarshal(a.raw, &out), string(a.raw))
	return out
}

// elementCode is the code of a refused element's first error.
func elementCode(el map[string]any) float64 {
	errs, _ := el["errors"].([]any)
	if len(errs) == 0 {
		return 0
	}
	return errs[0].(map[string]any)["code"].(float64)
}

// docMeta is the meta a mass update element carries (§3.3: items to update
// carry meta).
func docMeta(b *bundle, typ, id string) map[string]any {
	return map[string]any{"href": b.srv.URL() + "/entity/" + typ + "/" + id, "type": typ, "mediaType": "application/json"}
}

// §3.3, §4.2 and spec supplies-batch.yaml, entityBase.yaml
// (BatchResponseEntity): an array POST updates the elements with a meta
// and creates the others; the answer is an array in the request's order,
// each element the entity or {"errors":[…]} without a meta; one refused
// element rolls nothing back.
func TestMassUpdateAnswersEachElementInOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d1, d2, d3 := b.supply(t), b.supply(t), b.supply(t)
	st := b.srv.AddState("supply", "Передан", "")
	moveState := b.srv.AddState("move", "Передан", "")
	buyer := b.srv.AddCounterparty(moyskladtest.CounterpartySpec{Name: "Поставщик"})
	missing := "00000000-0000-4000-8000-000000000000"

	a := b.call(t, "POST", "/entity/supply?expand=state", []any{
		map[string]any{"meta": docMeta(b, "supply", d1.ID), "state": ref(st.Meta)},
		map[string]any{"meta": docMeta(b, "supply", missing), "description": "x"},
		map[string]any{"meta": docMeta(b, "supply", d2.ID), "state": ref(moveState.Meta)},
		map[string]any{"organization": ref(b.srv.Organization().Meta), "agent": ref(buyer.Meta), "store": ref(b.store.Meta),
			"positions": []any{map[string]any{"quantity": 4, "assortment": productRef(b, "product", b.p.ID)}}},
		map[string]any{"meta": docMeta(b, "supply", d3.ID), "description": strings.Repeat("я", 4097)},
		map[string]any{"meta": docMeta(b, "supply", d3.ID), "positions": []any{map[string]any{"id": d3.Rows()[1].ID}}},
	})
	require.Equal(t, 200, a.status, string(a.raw))
	els := elements(t, a)
	require.Len(t, els, 6)

	require.Equal(t, d1.ID, els[0]["id"])
	require.Equal(t, "Передан", els[0]["state"].(map[string]any)["name"], "rendered as a PUT renders it, ?expand honoured")
	require.EqualValues(t, 1021, elementCode(els[1]), "an unknown id: that element's 1021")
	require.NotContains(t, els[1], "meta", "an error element has no meta")
	require.EqualValues(t, 11002, elementCode(els[2]), "checked as a PUT: a state of another type")
	require.NotEmpty(t, els[3]["id"], "an element without meta is created")
	require.EqualValues(t, 3005, elementCode(els[4]), "checked as a PUT: the comment's 4096 characters")
	require.Equal(t, d3.ID, els[5]["id"])

	got, err := b.srv.Document("supply", d1.ID)
	require.NoError(t, err)
	require.Equal(t, "Передан", got.StateName(), "the refused elements rolled nothing back")
	got, err = b.srv.Document("supply", d2.ID)
	require.NoError(t, err)
	require.Empty(t, got.StateName(), "a refused element changes nothing")
	got, err = b.srv.Document("supply", d3.ID)
	require.NoError(t, err)
	require.Len(t, got.Rows(), 1, "positions replace all rows, as in a PUT")
	created, err := b.srv.Document("supply", els[3]["id"].(string))
	require.NoError(t, err)
	require.Equal(t, 4.0, created.Rows()[0].Quantity)

	require.Zero(t, b.srv.PutCount("supply", d1.ID), "an element is no PUT")
	require.Equal(t, 1, b.srv.UpdateCount("supply", d1.ID))
	require.Equal(t, 1, b.srv.UpdateCount("supply", d3.ID), "the refused element of d3 is not counted")
	n, elems := b.srv.MassUpdates("supply")
	require.Equal(t, 1, n)
	require.Equal(t, 6, elems)
}

// §4.2: at most 1000 elements in an array, 413 with error 2007; the spec's
// minItems is 1.
func TestMassUpdateArrayBounds(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d := b.supply(t)
	a := b.call(t, "POST", "/entity/supply", []any{})
	require.Equal(t, 413, a.status)
	require.EqualValues(t, 2007, code(a))

	many := make([]any, 1001)
	for i := range many {
		many[i] = map[string]any{"meta": docMeta(b, "supply", d.ID), "description": strconv.Itoa(i)}
	}
	a = b.call(t, "POST", "/entity/supply", many)
	require.Equal(t, 413, a.status)
	require.EqualValues(t, 2007, code(a))
	got, err := b.srv.Document("supply", d.ID)
	require.NoError(t, err)
	require.Empty(t, got.Description, "a refused array changes nothing")

	a = b.call(t, "POST", "/entity/supply", many[:1000])
	require.Equal(t, 200, a.status)
	require.Len(t, elements(t, a), 1000)

	a = b.call(t, "POST", "/entity/supply", []any{map[string]any{"meta": docMeta(b, "move", d.ID), "description": "x"},
		map[string]any{"meta": map[string]any{"href": b.srv.URL() + "/entity/supply/" + d.ID}, "description": "x"}})
	require.Equal(t, 200, a.status)
	els := elements(t, a)
	require.EqualValues(t, 1060, elementCode(els[0]), "a meta of another type")
	require.EqualValues(t, 2011, elementCode(els[1]), "a meta without type")
}

// §4.2: a request body is at most 20 MB (413).
func TestBodyOver20MBRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d := b.supply(t)
	a := b.call(t, "POST", "/entity/supply", []any{map[string]any{"meta": docMeta(b, "supply", d.ID),
		"description": strings.Repeat("x", 20<<20)}})
	require.Equal(t, 413, a.status)
	require.EqualValues(t, 1044, code(a))
}

// §5.3 counts requests: a mass update is one request for the rate limit,
// whatever its elements.
func TestMassUpdateIsOneRequestForTheRateLimit(t *testing.T) {
	t.Parallel()
	b := setup(t, moyskladtest.Options{RateLimit: 45, RequestWeight: 4, RateInterval: time.Minute})
	var items []any
	for range 20 {
		items = append(items, map[string]any{"meta": docMeta(b, "supply", b.supply(t).ID), "description": "x"})
	}
	a := b.call(t, "POST", "/entity/supply", items)
	require.Equal(t, 200, a.status, string(a.raw))
	require.Equal(t, "41", a.header.Get("X-RateLimit-Remaining"), "one request of 4 units")
	require.Len(t, elements(t, a), 20)
}

// §2.4: webhooks fire per changed document as for a PUT, and the writer's
// X-Lognex-WebHook-DisableByPrefix suppresses them the same way.
func TestMassUpdateFiresWebhooksPerDocument(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mine := newReceiver(t, 0, 204)
	theirs := newReceiver(t, 0, 204)
	mineURL := strings.Replace(mine.srv.URL, "127.0.0.1", "mine.localhost", 1)
	b.subscribe(t, mineURL+"/hooks/moysklad/s")
	b.subscribe(t, theirs.srv.URL+"/other")
	d1, d2 := b.supply(t), b.supply(t)
	a := b.call(t, "POST", "/entity/supply", []any{
		map[string]any{"meta": docMeta(b, "supply", d1.ID), "description": "x"},
		map[string]any{"meta": docMeta(b, "supply", d2.ID), "description": "y", "applicable": true},
		map[string]any{"meta": docMeta(b, "supply", d2.ID+"0"), "description": "refused"},
	}, func(r *http.Request) { r.Header.Add("X-Lognex-WebHook-DisableByPrefix", mineURL) })
	require.Equal(t, 200, a.status, string(a.raw))
	require.Eventually(t, func() bool { return theirs.n.Load() == 2 && len(b.srv.Deliveries()) == 2 }, 5*time.Second, 10*time.Millisecond)
	got := map[string][]string{}
	for _, dl := range b.srv.Deliveries() {
		var n moysklad.Notification
		require.NoError(t, json.Unmarshal(dl.Body, &n))
		got[n.Events[0].Meta.ID()] = n.Events[0].UpdatedFields
	}
	require.Equal(t, map[string][]string{d1.ID: {"description"}, d2.ID: {"applicable", "description"}}, got,
		"one UPDATE per changed document, none for the refused element")
	require.Never(t, func() bool { return mine.n.Load() > 0 || theirs.n.Load() > 2 }, 200*time.Millisecond, 20*time.Millisecond,
		"the writer's own subscriber gets nothing")
}

// md/_general.md «Фильтрация по полям типа ID» and the OR of repeated
// equal conditions (§3.4); different fields are an AND.
func TestListFilterByIDs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d1, d2, _ := b.supply(t), b.supply(t), b.supply(t)
	st := b.srv.AddState("supply", "Передать", "")
	require.NoError(t, b.srv.SetState("supply", d2.ID, st.Name))

	// The filter is urlencoded (md/_general.md): ';' is no query separator.
	a := b.call(t, "GET", "/entity/supply?filter="+url.QueryEscape("id="+d1.ID+";id="+d2.ID), nil)
	require.Equal(t, 200, a.status)
	require.EqualValues(t, 2, a.body["meta"].(map[string]any)["size"])
	a = b.call(t, "GET", "/entity/supply?filter="+url.QueryEscape("id="+d1.ID+";id="+d2.ID+";state.name=Передать"), nil)
	rows := a.body["rows"].([]any)
	require.Len(t, rows, 1)
	require.Equal(t, d2.ID, rows[0].(map[string]any)["id"])
	require.Equal(t, 2, b.srv.ListRequests("supply"))
}

// Options.RefuseIDFilter: answered as the emulator answers a filter it
// does not take (report.go): 400, 1002, parameter "filter".
func TestRefuseIDFilter(t *testing.T) {
	t.Parallel()
	b := setup(t, moyskladtest.Options{RefuseIDFilter: true})
	d := b.supply(t)
	a := b.call(t, "GET", "/entity/supply?filter=id="+d.ID, nil)
	require.Equal(t, 400, a.status)
	require.EqualValues(t, 1002, code(a))
	require.Equal(t, "filter", param(a))
	a = b.call(t, "GET", "/entity/supply?filter=name=1", nil)
	require.Equal(t, 200, a.status, "other filters still work")
	require.Equal(t, 200, b.call(t, "GET", "/entity/supply/"+d.ID, nil).status)
}

// §4.3: expand only with a page of at most 100, silently ignored above;
// an expanded document's positions hold up to 1000 rows, the rest through
// /positions.
func TestExpandLimits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	lines := make([]moyskladtest.PositionSpec, 1001)
	for i := range lines {
		lines[i] = moyskladtest.PositionSpec{ProductID: b.p.ID, Quantity: 1}
	}
	d, err := b.srv.CreateDocument("supply", moyskladtest.DocumentSpec{Name: "1", Store: b.store.ID, Positions: lines})
	require.NoError(t, err)
	require.Len(t, d.Rows(), 1001, "the Go API reads every row")

	a := b.call(t, "GET", "/entity/supply?limit=101&expand=positions", nil)
	pos := a.body["rows"].([]any)[0].(map[string]any)["positions"].(map[string]any)
	require.Nil(t, pos["rows"], "limit 101: expand ignored")

	a = b.call(t, "GET", "/entity/supply?limit=100&expand=positions", nil)
	pos = a.body["rows"].([]any)[0].(map[string]any)["positions"].(map[string]any)
	require.Len(t, pos["rows"], 1000)
	require.EqualValues(t, 1001, pos["meta"].(map[string]any)["size"])

	a = b.call(t, "GET", "/entity/supply/"+d.ID+"?expand=positions", nil)
	require.Len(t, a.body["positions"].(map[string]any)["rows"], 1000)
	a = b.call(t, "GET", "/entity/supply/"+d.ID+"/positions?offset=1000", nil)
	require.Len(t, a.body["rows"], 1)
}
