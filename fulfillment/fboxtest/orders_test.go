package fboxtest_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
)

func get(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	require.NoError(t, err)
	req.SetBasicAuth("partner", "secret")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

// orderServer has good A registered.
func orderServer(t *testing.T) *fboxtest.Server {
	t.Helper()
	s := setup(t, fboxtest.Options{})
	status, _, _ := post(t, s.URL()+"/goods", "partner", "secret", `{"goods":[{"good_id":"A","good_name":"Чайник"}]}`)
	require.Equal(t, 200, status)
	return s
}

// Schema order and order.goods: what is required is refused when missing,
// one unit per line, vat_rate from its enum; refusals are business errors.
func TestOrdersRefusedBySchema(t *testing.T) {
	t.Parallel()
	s := orderServer(t)
	good := `{"good_id":"A","declared_value":100,"cod":0}`
	cases := map[string]string{
		"no order_id":          `{"orders":[{"delivery_id":3,"goods":[` + good + `]}]}`,
		"no delivery_id":       `{"orders":[{"order_id":"O1","goods":[` + good + `]}]}`,
		"no goods":             `{"orders":[{"order_id":"O1","delivery_id":3}]}`,
		"no declared_value":    `{"orders":[{"order_id":"O1","delivery_id":3,"goods":[{"good_id":"A","cod":0}]}]}`,
		"no cod":               `{"orders":[{"order_id":"O1","delivery_id":3,"goods":[{"good_id":"A","declared_value":1}]}]}`,
		"two units on a line":  `{"orders":[{"order_id":"O1","delivery_id":3,"goods":[{"good_id":"A","declared_value":1,"cod":0,"qnt":2}]}]}`,
		"vat_rate 18":          `{"orders":[{"order_id":"O1","delivery_id":3,"goods":[{"good_id":"A","declared_value":1,"cod":0,"vat_rate":18}]}]}`,
		"negative cod":         `{"orders":[{"order_id":"O1","delivery_id":3,"goods":[{"good_id":"A","declared_value":1,"cod":-1}]}]}`,
		"same order_id twice":  `{"orders":[{"order_id":"O1","delivery_id":3,"goods":[` + good + `]},{"order_id":"O1","delivery_id":3,"goods":[` + good + `]}]}`,
		"empty orders":         `{"orders":[]}`,
		"delivery not enabled": `{"orders":[{"order_id":"O1","delivery_id":89,"goods":[` + good + `]}]}`,
	}
	for name, body := range cases {
		status, _, out := post(t, s.URL()+"/orders", "partner", "secret", body)
		require.Equal(t, 200, status, name)
		require.Equal(t, false, out["success"], name)
		require.GreaterOrEqual(t, out["error_code"], float64(1000), name)
		require.NotEmpty(t, out["error_message"], name)
	}
	require.Empty(t, s.OrderIDs(), "nothing refused is kept")

	status, _, out := post(t, s.URL()+"/orders", "partner", "secret", `{"orders":[{"order_id":"O1","delivery_id":3,"goods":[`+good+`,`+good+`]}]}`)
	require.Equal(t, 200, status)
	require.Equal(t, true, out["success"])
}

// GET /orders/{id}/json gives the order back as it was received.
func TestOrderJSONAsReceived(t *testing.T) {
	t.Parallel()
	s := orderServer(t)
	body := `{"orders":[{"order_id":"O2","delivery_id":1,"goods":[{"good_id":"A","declared_value":100,"cod":50,"perso":{"x":1}}],"client":{"name":"Петров"}}]}`
	status, _, _ := post(t, s.URL()+"/orders", "partner", "secret", body)
	require.Equal(t, 200, status)
	status, out := get(t, s.URL()+"/orders/O2/json")
	require.Equal(t, 200, status)
	order := out["order"].(map[string]any)
	require.Equal(t, "Петров", order["client"].(map[string]any)["name"])
	require.Equal(t, map[string]any{"x": float64(1)}, order["goods"].([]any)[0].(map[string]any)["perso"])

	status, out = get(t, s.URL()+"/orders/NOPE/info")
	require.Equal(t, 404, status)
	require.EqualValues(t, 404, out["error_code"])
}

// POST /settings takes only the optional types, as booleans.
func TestSettingsRefusals(t *testing.T) {
	t.Parallel()
	s := orderServer(t)
	status, _, out := post(t, s.URL()+"/settings", "partner", "secret", `{"outdoc_types":{"orders_shipment":true}}`)
	require.Equal(t, 200, status)
	require.Equal(t, false, out["success"])
	_, _, out = post(t, s.URL()+"/settings", "partner", "secret", `{"outdoc_types":{"orders_pallet":"yes"}}`)
	require.Equal(t, false, out["success"])
	require.False(t, s.OutdocTypeOn("orders_pallet"))
	_, _, out = post(t, s.URL()+"/settings", "partner", "secret", `{"outdoc_types":{"orders_pallet":true}}`)
	require.Equal(t, true, out["success"])
	require.True(t, s.OutdocTypeOn("orders_pallet"))
	require.True(t, s.OutdocTypeOn("orders_shipment"), "mandatory types are always issued")

	status, out = get(t, s.URL()+"/settings")
	require.Equal(t, 200, status)
	require.Contains(t, out, "rate_limits")
	require.Equal(t, true, out["outdoc_types"].(map[string]any)["orders_pallet"])
}

// Order outdocs are listed, read and locked like every outdoc.
func TestOrderOutdocsListed(t *testing.T) {
	t.Parallel()
	s := orderServer(t)
	s.AddStock("A", 1, 0)
	status, _, _ := post(t, s.URL()+"/orders", "partner", "secret", `{"orders":[{"order_id":"O3","delivery_id":3,"goods":[{"good_id":"A","declared_value":1,"cod":0}]}]}`)
	require.Equal(t, 200, status)
	require.NoError(t, s.SetOutdocType("orders_production_start", true))
	ids := s.ProcessOrders()
	require.Len(t, ids, 1)
	ship, err := s.ShipOrders(nil, "O3")
	require.NoError(t, err)

	_, _, out := post(t, s.URL()+"/outdocs/list", "partner", "secret", `{"outdoc_type":"orders_shipment","locked":false}`)
	items := out["items"].([]any)
	require.Len(t, items, 1)
	require.EqualValues(t, ship, items[0].(map[string]any)["outdoc_id"])

	status, body := get(t, s.URL()+"/outdocs/"+itoa(ship))
	require.Equal(t, 200, status)
	require.Equal(t, true, body["success"])
	require.Equal(t, "orders_shipment", body["outdoc_type"])
	require.Equal(t, "orders_shipment", body["common"].(map[string]any)["outdoc_type"])
	require.EqualValues(t, 3, body["delivery_id"])

	_, _, out = post(t, s.URL()+"/outdocs/lock", "partner", "secret", `{"outdocs":[{"outdoc_id":`+itoa(ship)+`,"lock":true}]}`)
	require.Equal(t, true, out["success"])
	h, _ := s.Outdoc(ship)
	require.True(t, h.Locked)
	_, _, out = post(t, s.URL()+"/outdocs/list", "partner", "secret", `{"outdoc_type":"orders_shipment","locked":false}`)
	require.Empty(t, out["items"])
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// #order_obr_desc 2: fake orders and orders due later than ProductionLead
// stay out of the pool run; production holds units for the next run.
func TestPoolSkipsFakeAndLaterOrders(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, fulfillment.Moscow)
	s := setup(t, fboxtest.Options{Now: func() time.Time { return now }})
	status, _, _ := post(t, s.URL()+"/goods", "partner", "secret", `{"goods":[{"good_id":"A","good_name":"Чайник"}]}`)
	require.Equal(t, 200, status)
	s.AddStock("A", 2, 0)
	later := now.Add(fboxtest.ProductionLead + time.Hour).Format("2006-01-02T15:04:05")
	soon := now.Add(fboxtest.ProductionLead - time.Hour).Format("2006-01-02T15:04:05")
	line := `"goods":[{"good_id":"A","declared_value":1,"cod":0}]`
	status, _, out := post(t, s.URL()+"/orders", "partner", "secret", `{"orders":[`+
		`{"order_id":"FAKE","delivery_id":3,`+line+`,"control":{"is_fake_order":true}},`+
		`{"order_id":"LATER","delivery_id":3,`+line+`,"control":{"to_delivery_date":"`+later+`"}},`+
		`{"order_id":"SOON","delivery_id":3,`+line+`,"control":{"to_delivery_date":"`+soon+`"}},`+
		`{"order_id":"NOW","delivery_id":3,`+line+`}]}`)
	require.Equal(t, 200, status)
	require.Equal(t, true, out["success"])
	s.ProcessOrders()
	for id, want := range map[string]string{"FAKE": fboxtest.StagePool, "LATER": fboxtest.StagePool,
		"SOON": fboxtest.StageProduction, "NOW": fboxtest.StageProduction} {
		_, stage, ok := s.Order(id)
		require.True(t, ok, id)
		require.Equal(t, want, stage, id)
	}
	require.Zero(t, s.Available("A"))
}

// fbox.md §8 «Corrections»: a locked orders_shipment gets unlock_request;
// once unlocked it is replaced under a new id with the original
// outdoc_date. A second correction before that, or one that changes the
// orders' units, is refused.
func TestOrdersShipmentCorrected(t *testing.T) {
	t.Parallel()
	s := orderServer(t)
	s.AddStock("A", 2, 0)
	status, _, _ := post(t, s.URL()+"/orders", "partner", "secret", `{"orders":[{"order_id":"O4","delivery_id":3,"goods":[{"good_id":"A","declared_value":1,"cod":0}]}]}`)
	require.Equal(t, 200, status)
	s.ProcessOrders()
	ship, err := s.ShipOrders(nil, "O4")
	require.NoError(t, err)
	_, _, out := post(t, s.URL()+"/outdocs/lock", "partner", "secret", `{"outdocs":[{"outdoc_id":`+itoa(ship)+`,"lock":true}]}`)
	require.Equal(t, true, out["success"])
	old, _ := s.Outdoc(ship)

	require.ErrorContains(t, s.CorrectOrdersShipment(ship, func(d *fulfillment.OrdersShipment) { d.Orders[0].Goods = nil }), "changes order O4")
	require.NoError(t, s.CorrectOrdersShipment(ship, func(d *fulfillment.OrdersShipment) { d.Orders[0].DispatchNumber = "D-2" }))
	require.ErrorContains(t, s.CorrectOrdersShipment(ship, nil), "being corrected already")
	h, _ := s.Outdoc(ship)
	require.True(t, h.UnlockRequest)

	_, _, out = post(t, s.URL()+"/outdocs/lock", "partner", "secret", `{"outdocs":[{"outdoc_id":`+itoa(ship)+`,"lock":false}]}`)
	require.Equal(t, true, out["success"])
	_, found := s.Outdoc(ship)
	require.False(t, found, "deleted once unlocked")
	next := s.LastOutdoc()
	require.NotEqual(t, ship, next)
	h, _ = s.Outdoc(next)
	require.Equal(t, old.OutdocDate, h.OutdocDate)
	_, body := get(t, s.URL()+"/outdocs/"+itoa(next))
	require.Equal(t, "D-2", body["orders"].([]any)[0].(map[string]any)["dispatch_number"])
}
