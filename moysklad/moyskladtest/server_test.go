package moyskladtest_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

type bundle struct {
	srv   *moyskladtest.Server
	store moysklad.Store
	p     moysklad.Product
}

func setup(t *testing.T, opts ...moyskladtest.Options) *bundle {
	t.Helper()
	var o moyskladtest.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	srv := moyskladtest.NewServer(o)
	t.Cleanup(srv.Close)
	return &bundle{srv: srv, store: srv.AddStore("Склад"), p: srv.AddProduct(moyskladtest.ProductSpec{Name: "Чайник", Article: "KT-1"})}
}

type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

// call is a plain HTTP request the way MoySklad expects one.
func (b *bundle) call(t *testing.T, method, path string, body any, edit ...func(*http.Request)) answer {
	t.Helper()
	var r io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		require.NoError(t, err)
		r = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, b.srv.URL()+path, r)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+b.srv.Token())
	req.Header.Set("Accept-Encoding", "gzip")
	for _, e := range edit {
		e(req)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: raw}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		require.NoError(t, err)
		a.raw, err = io.ReadAll(zr)
		require.NoError(t, err)
	}
	_ = json.Unmarshal(a.raw, &a.body)
	return a
}

func code(a answer) float64 {
	errs, _ := a.body["errors"].([]any)
	if len(errs) == 0 {
		return 0
	}
	return errs[0].(map[string]any)["code"].(float64)
}

func (b *bundle) supply(t *testing.T) moysklad.Document {
	t.Helper()
	d, err := b.srv.CreateDocument("supply", moyskladtest.DocumentSpec{Name: "1", Store: b.store.ID,
		Positions: []moyskladtest.PositionSpec{{ProductID: b.p.ID, Quantity: 2, Price: 100}, {ProductID: b.p.ID, Quantity: 3, Price: 100}}})
	require.NoError(t, err)
	return d
}

func TestAuthAndGzipAreEnforced(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.call(t, "GET", "/entity/store", nil, func(r *http.Request) { r.Header.Del("Authorization") })
	require.Equal(t, 401, a.status)
	require.EqualValues(t, 1056, code(a))

	a = b.call(t, "GET", "/entity/store", nil, func(r *http.Request) { r.Header.Set("Accept-Encoding", "identity") })
	require.Equal(t, 415, a.status)
	require.Empty(t, a.raw, "415 comes with an empty body")

	a = b.call(t, "GET", "/entity/store", nil)
	require.Equal(t, 200, a.status)
	require.Equal(t, "gzip", a.header.Get("Content-Encoding"))
	require.Len(t, a.body["rows"], 1)
}

func TestExpandAndPositionsReplacement(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d := b.supply(t)
	a := b.call(t, "GET", "/entity/supply/"+d.ID, nil)
	pos := a.body["positions"].(map[string]any)
	require.Nil(t, pos["rows"], "positions unexpanded: a meta only")
	require.EqualValues(t, 2, pos["meta"].(map[string]any)["size"])
	require.Contains(t, a.body, "organization", "real documents carry many fields")

	a = b.call(t, "GET", "/entity/supply/"+d.ID+"?expand=positions.assortment", nil)
	rows := a.body["positions"].(map[string]any)["rows"].([]any)
	require.Equal(t, "KT-1", rows[0].(map[string]any)["assortment"].(map[string]any)["article"])

	keep := rows[1].(map[string]any)["id"]
	other := b.srv.AddProduct(moyskladtest.ProductSpec{Name: "Кружка", Article: "MG-1"})
	a = b.call(t, "PUT", "/entity/supply/"+d.ID, map[string]any{"positions": []any{
		map[string]any{"id": keep, "quantity": 7},
		map[string]any{"quantity": 1, "assortment": map[string]any{"meta": map[string]any{"href": b.srv.URL() + "/entity/product/" + other.ID, "type": "product"}}},
	}})
	require.Equal(t, 200, a.status, string(a.raw))
	got, err := b.srv.Document("supply", d.ID)
	require.NoError(t, err)
	require.Len(t, got.Rows(), 2, "the row not sent is deleted")
	require.Equal(t, keep, got.Rows()[0].ID)
	require.Equal(t, 7.0, got.Rows()[0].Quantity)
	price, _ := got.Rows()[0].Extra("price")
	require.JSONEq(t, "100", string(price), "an updated row keeps what was not sent")
	require.Equal(t, "MG-1", got.Rows()[1].Assortment.Article)

	a = b.call(t, "PUT", "/entity/supply/"+d.ID, map[string]any{"positions": []any{map[string]any{"quantity": 1}}})
	require.Equal(t, 400, a.status)
	require.EqualValues(t, 3000, code(a))
}

func TestPutRules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d := b.supply(t)
	a := b.call(t, "PUT", "/entity/supply/"+d.ID, map[string]any{"description": strings.Repeat("я", 4097)})
	require.Equal(t, 400, a.status)
	a = b.call(t, "PUT", "/entity/supply/"+d.ID, map[string]any{"description": strings.Repeat("я", 4096), "applicable": true})
	require.Equal(t, 200, a.status)
	require.Equal(t, true, a.body["applicable"])

	moveState := b.srv.AddState("move", "Передать", "")
	a = b.call(t, "PUT", "/entity/supply/"+d.ID, map[string]any{"state": map[string]any{"meta": moveState.Meta}})
	require.Equal(t, 400, a.status)
	require.EqualValues(t, 11002, code(a))

	st := b.srv.AddState("supply", "Передать", "")
	a = b.call(t, "PUT", "/entity/supply/"+d.ID, map[string]any{"state": map[string]any{"meta": map[string]any{"href": st.Meta.Href}}})
	require.EqualValues(t, 2011, code(a), "meta without type")
	a = b.call(t, "PUT", "/entity/supply/"+d.ID+"?expand=state", map[string]any{"state": map[string]any{"meta": st.Meta}, "id": "ignored"})
	require.Equal(t, 200, a.status)
	require.Equal(t, "Передать", a.body["state"].(map[string]any)["name"])
	require.Equal(t, d.ID, a.body["id"], "read-only fields are ignored")
	require.Equal(t, 2, b.srv.PutCount("supply", d.ID), "refused PUTs change nothing")
}

func TestStatesMetadata(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a := b.call(t, "POST", "/entity/supply/metadata/states", map[string]any{"name": "Передан"})
	require.Equal(t, 412, a.status)
	a = b.call(t, "POST", "/entity/supply/metadata/states", map[string]any{"name": "Передан", "color": 1, "stateType": "Regular"})
	require.Equal(t, 200, a.status)
	require.Equal(t, "supply", a.body["entityType"])
	a = b.call(t, "GET", "/entity/supply/metadata", nil)
	require.Len(t, a.body["states"], 1)
}

func TestWebhookValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	hook := map[string]any{"entityType": "supply", "action": "UPDATE", "url": "https://x.ru/h", "diffType": "FIELDS"}
	require.Equal(t, 200, b.call(t, "POST", "/entity/webhook", hook).status)
	require.EqualValues(t, 30003, code(b.call(t, "POST", "/entity/webhook", hook)))
	require.EqualValues(t, 30009, code(b.call(t, "POST", "/entity/webhook", map[string]any{"entityType": "supply", "action": "CREATE", "url": "https://x.ru/c", "diffType": "FIELDS"})))
	require.EqualValues(t, 30010, code(b.call(t, "POST", "/entity/webhook", map[string]any{"entityType": "supply", "action": "CREATE", "url": "https://x.ru/" + strings.Repeat("a", 250)})))
	require.EqualValues(t, 30002, code(b.call(t, "POST", "/entity/webhook", map[string]any{"entityType": "supply", "action": "EXPLODE", "url": "https://x.ru/e"})))
	for i := range 4 {
		require.Equal(t, 200, b.call(t, "POST", "/entity/webhook", map[string]any{"entityType": "supply", "action": "UPDATE", "url": "https://x.ru/h" + string(rune('a'+i))}).status)
	}
	require.EqualValues(t, 30007, code(b.call(t, "POST", "/entity/webhook", map[string]any{"entityType": "supply", "action": "UPDATE", "url": "https://x.ru/z"})))
}

// receiver is a webhook subscriber answering with the given statuses in turn.
type receiver struct {
	srv      *httptest.Server
	statuses []int
	delay    time.Duration
	n        atomic.Int32
}

func newReceiver(t *testing.T, delay time.Duration, statuses ...int) *receiver {
	r := &receiver{statuses: statuses, delay: delay}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		i := int(r.n.Add(1)) - 1
		time.Sleep(r.delay)
		w.WriteHeader(r.statuses[min(i, len(r.statuses)-1)])
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (b *bundle) subscribe(t *testing.T, url string) {
	t.Helper()
	a := b.call(t, "POST", "/entity/webhook", map[string]any{"entityType": "supply", "action": "UPDATE", "url": url, "diffType": "FIELDS"})
	require.Equal(t, 200, a.status, string(a.raw))
}

func TestDeliveryResendsAfterErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := newReceiver(t, 0, 500, 500, 500, 500, 204)
	b.subscribe(t, r.srv.URL+"/hook?secret=1")
	d := b.supply(t)
	st := b.srv.AddState("supply", "Передать", "")
	require.NoError(t, b.srv.SetState("supply", d.ID, st.Name))
	require.Eventually(t, func() bool { return len(b.srv.Deliveries()) == 4 }, 5*time.Second, 10*time.Millisecond)
	ds := b.srv.Deliveries()
	for i, dl := range ds {
		require.Equal(t, i+1, dl.Attempt)
		require.Equal(t, ds[0].RequestID, dl.RequestID, "resends keep the requestId")
		require.Equal(t, 500, dl.Status)
	}
	var n moysklad.Notification
	require.NoError(t, json.Unmarshal(ds[0].Body, &n))
	require.Equal(t, []string{"state"}, n.Events[0].UpdatedFields)
	require.Equal(t, "staff@test", n.AuditContext.UID)
	require.Never(t, func() bool { return len(b.srv.Deliveries()) > 4 }, 200*time.Millisecond, 20*time.Millisecond, "three resends, no more")
}

func TestDeliveryTimeoutIsNotResent(t *testing.T) {
	t.Parallel()
	b := setup(t, moyskladtest.Options{WebhookTimeout: 100 * time.Millisecond})
	r := newReceiver(t, 300*time.Millisecond, 204)
	b.subscribe(t, r.srv.URL)
	d := b.supply(t)
	require.NoError(t, b.srv.SetDescription("supply", d.ID, "x"))
	require.Eventually(t, func() bool { return len(b.srv.Deliveries()) == 1 }, 5*time.Second, 10*time.Millisecond)
	require.Never(t, func() bool { return len(b.srv.Deliveries()) > 1 }, 500*time.Millisecond, 20*time.Millisecond)
	require.NotEmpty(t, b.srv.Deliveries()[0].Err)
}

func TestDisableByPrefixSuppressesOwnEvents(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mine := newReceiver(t, 0, 204)
	theirs := newReceiver(t, 0, 204)
	// The prefix needs a domain name (§2.4): *.localhost is loopback (RFC 6761).
	mineURL := strings.Replace(mine.srv.URL, "127.0.0.1", "mine.localhost", 1)
	b.subscribe(t, mineURL+"/hooks/moysklad/s")
	b.subscribe(t, theirs.srv.URL+"/other")
	d := b.supply(t)
	a := b.call(t, "PUT", "/entity/supply/"+d.ID, map[string]any{"description": "x"}, func(r *http.Request) {
		r.Header.Add("X-Lognex-WebHook-DisableByPrefix", mineURL)
	})
	require.Equal(t, 200, a.status)
	// The delivery is recorded after the receiver answered: wait for both.
	require.Eventually(t, func() bool { return theirs.n.Load() == 1 && len(b.srv.Deliveries()) == 1 }, 5*time.Second, 10*time.Millisecond)
	require.Zero(t, mine.n.Load(), "the writer's own webhook is not fired")

	id, err := b.srv.ResendAsNew(b.srv.Deliveries()[0].RequestID)
	require.NoError(t, err)
	require.NotEqual(t, b.srv.Deliveries()[0].RequestID, id)
	require.Eventually(t, func() bool { return theirs.n.Load() == 2 }, 5*time.Second, 10*time.Millisecond)
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	b := setup(t, moyskladtest.Options{RateLimit: 3, RateInterval: time.Minute})
	var a answer
	for i := 0; i < 3; i++ {
		a = b.call(t, "GET", "/entity/store", nil)
		require.Equal(t, 200, a.status)
	}
	require.Equal(t, "3", a.header.Get("X-RateLimit-Limit"))
	require.Equal(t, "60000", a.header.Get("X-Lognex-Retry-TimeInterval"))
	require.Equal(t, "0", a.header.Get("X-RateLimit-Remaining"))
	a = b.call(t, "GET", "/entity/store", nil)
	require.Equal(t, 429, a.status)
	require.EqualValues(t, 1049, code(a))
	require.NotEmpty(t, a.header.Get("X-Lognex-Retry-After"))

	b.srv.FailNext(moyskladtest.Fault{Status: 429, Code: 1073})
	b.srv.SetRateLimit(-1, time.Second)
	a = b.call(t, "GET", "/entity/store", nil)
	require.EqualValues(t, 1073, code(a))
	require.Empty(t, a.header.Get("X-Lognex-Retry-After"), "the parallel limit says no wait")
	require.Equal(t, 2, b.srv.RateLimited())
}

func TestDemandAgentAndAttributes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	buyer := b.srv.AddCounterparty(moyskladtest.CounterpartySpec{Name: "Иванов Иван", Phone: "+79990000000"})
	_, err := b.srv.CreateDocument("demand", moyskladtest.DocumentSpec{Name: "00001"})
	require.ErrorContains(t, err, "agent", "a demand needs a counterparty, as in MoySklad")
	d, err := b.srv.CreateDocument("demand", moyskladtest.DocumentSpec{Name: "00001", Agent: buyer.ID, Store: b.store.ID,
		ShipmentAddress: &moysklad.Address{PostalCode: "101000", City: "Москва", Street: "ул Тверская", House: "1"},
		Positions:       []moyskladtest.PositionSpec{{ProductID: b.p.ID, Quantity: 2}}})
	require.NoError(t, err)
	require.Equal(t, "101000, г Москва, ул Тверская, д 1", d.ShipmentAddress)

	got := b.call(t, "GET", "/entity/demand/"+d.ID+"?expand=agent", nil)
	require.Equal(t, 200, got.status)
	require.Equal(t, "+79990000000", got.body["agent"].(map[string]any)["phone"])

	attr := b.srv.AddAttribute("demand", "Трек-номер СДЭК", "string")
	list := b.call(t, "GET", "/entity/demand/metadata/attributes", nil)
	require.Len(t, list.body["rows"], 1)
	bad := b.call(t, "PUT", "/entity/demand/"+d.ID, map[string]any{"attributes": []any{attr.WithValue(1107000001)}})
	require.Equal(t, 400, bad.status, "a string field refuses a number")
	ok := b.call(t, "PUT", "/entity/demand/"+d.ID, map[string]any{"attributes": []any{attr.WithValue("1107000001")}})
	require.Equal(t, 200, ok.status, string(ok.raw))
	doc, err := b.srv.Document("demand", d.ID)
	require.NoError(t, err)
	require.Len(t, doc.Attributes, 1)
	require.Equal(t, "1107000001", doc.Attributes[0].Value)
	require.Equal(t, "Трек-номер СДЭК", doc.Attributes[0].Name)
}

// A user token's request takes 3 units of the 45-unit bucket (moysklad.md
// §5.3): 15 requests per 3 s, the headers counting units.
func TestRequestWeight(t *testing.T) {
	t.Parallel()
	b := setup(t, moyskladtest.Options{RateLimit: 45, RateInterval: time.Minute, RequestWeight: 3})
	var a answer
	for i := 0; i < 15; i++ {
		a = b.call(t, "GET", "/entity/store", nil)
		require.Equal(t, 200, a.status)
		require.Equal(t, strconv.Itoa(45-3*(i+1)), a.header.Get("X-RateLimit-Remaining"))
	}
	require.NotEqual(t, "0", a.header.Get("X-Lognex-Reset"), "the next request would be refused")
	a = b.call(t, "GET", "/entity/store", nil)
	require.Equal(t, 429, a.status)
	require.EqualValues(t, 1049, code(a))
}

// MoySklad refuses a request whose X-Lognex-WebHook-DisableByPrefix lacks
// the protocol or a full domain name (moysklad.md §2.4); an IP address is
// refused too (strict reading, see badPrefix).
func TestDisableByPrefixNeedsDomain(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d := b.supply(t)
	for prefix, ok := range map[string]bool{"https://": false, "https://some_url": false, "http://127.0.0.1:8080": false,
		"skladflow.example.ru": false, "https://some_url.com": true, "https://some_url.com/some_path": true,
		"http://skladflow.localhost:8080": true} {
		a := b.call(t, "PUT", "/entity/supply/"+d.ID, map[string]any{"description": "x"}, func(r *http.Request) {
			r.Header.Add("X-Lognex-WebHook-DisableByPrefix", prefix)
		})
		if ok {
			require.Equal(t, 200, a.status, prefix)
		} else {
			require.Equal(t, 400, a.status, prefix)
		}
	}
}
