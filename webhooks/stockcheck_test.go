package webhooks_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/storage"
	"github.com/skladflow/skladflow/webhooks"
)

// stockSetup serves the edge over a store holding two checks of one
// warehouse, the second with an unexplained and an in-flight good.
func stockSetup(t *testing.T) (admin, int64) {
	t.Helper()
	ctx := context.Background()
	store, err := storage.Open(ctx, storage.Config{Path: filepath.Join(t.TempDir(), "db.sqlite")})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	at := time.Now().Add(-time.Hour)
	_, err = store.SaveStockCheck(ctx, storage.StockCheck{Warehouse: "БетаПРО", StartedAt: at, FinishedAt: at, Goods: 2, Matched: 2}, time.Time{})
	require.NoError(t, err)
	id, err := store.SaveStockCheck(ctx, storage.StockCheck{Warehouse: "БетаПРО", StartedAt: at.Add(time.Minute), FinishedAt: at.Add(time.Minute),
		Goods: 3, Matched: 1, InFlight: 1, Unexplained: 1, Lines: []storage.StockCheckLine{
			{GoodID: "KT-1700", AssortmentID: "a1", AssortmentType: "product", Name: "Чайник", Class: storage.StockUnexplained, Expected: 8, Actual: 5,
				Stores: []storage.StockCheckStore{{StoreID: "s1", Label: "БетаПРО", Expected: 8, Actual: 5}},
				Note:   "разница не объясняется документами склада: в МойСклад на 3 ед. меньше"},
			{GoodID: "MG-350", AssortmentID: "a2", Name: "Кружка", Class: storage.StockInFlight, Expected: 4, Actual: 2,
				Documents: []storage.StockCheckDocument{{OutdocID: 77, Type: "goods_supply", TypeName: "Оприходование", CreatedAt: at, Qnt: 2, Role: "in_flight"}}},
		}}, time.Time{})
	require.NoError(t, err)
	edge, err := webhooks.New(webhooks.Config{MoySkladSecret: secret, AdminPassword: adminPass, StockChecks: store}, store, store)
	require.NoError(t, err)
	srv := httptest.NewServer(edge.Handler())
	t.Cleanup(srv.Close)
	return admin{url: srv.URL, store: store, edge: edge}, id
}

func TestStockCheckAPI(t *testing.T) {
	t.Parallel()
	a, id := stockSetup(t)
	resp, body := a.do(t, http.DefaultClient, http.MethodGet, "/api/stock-check", nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	var got struct {
		Checks []struct {
			ID          int64
			Warehouse   string
			Unexplained int
			Lines       []struct {
				GoodID     string `json:"good_id"`
				Class      string
				Difference float64
				Documents  []struct {
					OutdocID int64 `json:"outdoc_id"`
				}
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(body), &got))
	require.Len(t, got.Checks, 1, "the latest check of each warehouse")
	c := got.Checks[0]
	require.Equal(t, id, c.ID)
	require.Equal(t, 1, c.Unexplained)
	require.Equal(t, "KT-1700", c.Lines[0].GoodID, "unexplained first")
	require.Equal(t, 3.0, c.Lines[0].Difference)
	require.Equal(t, int64(77), c.Lines[1].Documents[0].OutdocID)

	for _, h := range []map[string]string{nil, {"Accept": "text/csv"}} {
		path := "/api/stock-check?id=" + strconv.FormatInt(id, 10)
		if h == nil {
			path += "&format=csv"
		}
		resp, body = a.do(t, http.DefaultClient, http.MethodGet, path, nil, h)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, resp.Header.Get("Content-Type"), "text/csv")
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		require.NoError(t, err)
		require.Len(t, rows, 3)
		require.Equal(t, []string{"check_id", "warehouse", "started_at", "class", "good_id"}, rows[0][:5])
		require.Equal(t, []string{storage.StockUnexplained, "KT-1700", "a1", "Чайник", "8", "5", "3"}, rows[1][3:10])
		require.Contains(t, rows[2][10], "77 goods_supply 2 не прочитан in_flight")
	}

	resp, body = a.do(t, http.DefaultClient, http.MethodGet, "/api/stock-check?id=999", nil, nil)
	require.Equal(t, http.StatusNotFound, resp.StatusCode, body)
	resp, body = a.do(t, http.DefaultClient, http.MethodGet, "/api/stock-check?format=xml", nil, nil)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)

	resp, body = a.do(t, http.DefaultClient, http.MethodPost, "/api/stock-check", nil, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, body)
	require.JSONEq(t, `{"status":"queued"}`, body)
	resp, body = a.do(t, http.DefaultClient, http.MethodPost, "/api/stock-check", nil, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, body)
	require.JSONEq(t, `{"status":"running"}`, body, "one check at a time")
}

func TestStockCheckPage(t *testing.T) {
	t.Parallel()
	a, id := stockSetup(t)
	resp, body := a.do(t, http.DefaultClient, http.MethodGet, "/admin/stock-check", nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	for _, want := range []string{"Сверка остатков", "проверка №" + strconv.FormatInt(id, 10), "не объяснено: 1", "Чайник", "в МойСклад на 3 ед. меньше",
		"№77", "Оприходование", "не прочитан skladflow", `href="/admin/stock-check?id=1"`, "Сверить сейчас"} {
		require.Contains(t, body, want)
	}
	resp, body = a.do(t, http.DefaultClient, http.MethodGet, "/admin/stock-check?id=1", nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.Contains(t, body, "Расхождений нет.")

	// «Сверить сейчас» is a form with the CSRF token.
	client := browser(t)
	resp, body = a.do(t, client, http.MethodPost, "/admin/stock-check", url.Values{}, nil)
	requireRefused(t, resp, body)
	_, page := a.do(t, client, http.MethodGet, "/admin/stock-check", nil, nil)
	m := tokenField.FindStringSubmatch(page)
	require.NotNil(t, m)
	for _, want := range []string{"queued", "running"} {
		resp, _ = a.do(t, client, http.MethodPost, "/admin/stock-check", url.Values{"_csrf": {m[1]}}, nil)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		require.Equal(t, "/admin/stock-check?run="+want, resp.Header.Get("Location"))
	}
	_, page = a.do(t, client, http.MethodGet, "/admin/stock-check?run=running", nil, nil)
	require.Contains(t, page, "Сверка уже идёт")
}
