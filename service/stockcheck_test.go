package service_test

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/flows/stockcheck"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/skladflowtest"
	"github.com/skladflow/skladflow/storage"
)

const stockAdminPass = "admin-pass-1"

// lineOf is a good's line in a check; it fails when the good matched.
func lineOf(t *testing.T, c storage.StockCheck, goodID string) storage.StockCheckLine {
	t.Helper()
	for _, l := range c.Lines {
		if l.GoodID == goodID {
			return l
		}
	}
	t.Fatalf("check #%d has no line of %s: %+v", c.ID, goodID, c.Lines)
	return storage.StockCheckLine{}
}

// checkNow runs the report in-process and returns the warehouse's check.
func (b *bundle) checkNow(t *testing.T) storage.StockCheck {
	t.Helper()
	checks, err := b.svc.StockCheck(b.ctx)
	require.NoError(t, err)
	require.Len(t, checks, 1)
	require.Empty(t, checks[0].Error)
	return checks[0]
}

// checkByAPI asks for a check with POST /api/stock-check, as the admin's
// button does, and waits for it.
func (b *bundle) checkByAPI(t *testing.T) storage.StockCheck {
	t.Helper()
	before, err := b.svc.Store.StockChecks(b.ctx, "", 1)
	require.NoError(t, err)
	var last int64
	if len(before) > 0 {
		last = before[0].ID
	}
	// The job of the last check may still count as running for a moment
	// after it ended (River's completer): then the request joins it.
	require.Eventually(t, func() bool {
		status, body := b.api(t, http.MethodPost, "/api/stock-check", "admin", stockAdminPass)
		require.Equal(t, http.StatusAccepted, status, body)
		return body["status"] == "queued"
	}, patience, 20*time.Millisecond)
	var c storage.StockCheck
	require.Eventually(t, func() bool {
		list, err := b.svc.Store.StockChecks(b.ctx, "", 1)
		if err != nil || len(list) == 0 || list[0].ID <= last {
			return false
		}
		c, err = b.svc.Store.StockCheck(b.ctx, list[0].ID)
		return err == nil
	}, 20*time.Second, 20*time.Millisecond)
	return c
}

// getText GETs an operator's path and returns the body.
func (b *bundle) getText(t *testing.T, path string, header map[string]string) (string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.cfg.PublicURL+path, nil)
	require.NoError(t, err)
	req.SetBasicAuth("admin", stockAdminPass)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
	return resp.Header.Get("Content-Type"), string(raw)
}

func TestStockCheck(t *testing.T) {
	t.Parallel()
	url, alerts := alertTarget(t)
	b := setupOrdersWith(t, setupOpts{edit: func(c *config.Config) {
		c.Admin.Password = stockAdminPass
		c.Alerts = config.Alerts{URL: url}
	}}, 0)
	kettle, mug := b.p.kettle.Article, b.p.mug.Article

	// Goods received, an order shipped, part of it returned: MoySklad holds
	// what the warehouse does.
	doc, indoc := b.submitted(t, line{b.p.kettle, 5}, line{b.p.mug, 3})
	b.receive(t, indoc, fboxtest.Line{GoodID: kettle, Useful: 5}, fboxtest.Line{GoodID: mug, Useful: 3})
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	order, id := b.submitOrder(t, "00051", line{b.p.kettle, 2})
	require.Len(t, b.fb.ProcessOrders(), 1)
	require.NoError(t, b.fb.StartPicking(id))
	ship, err := b.fb.ShipOrders(nil, id)
	require.NoError(t, err)
	b.pollNow(t)
	b.waitStatus(t, co, order.ID, "Отгружен")
	b.outdocLocked(t, ship)
	ret, err := b.fb.PartReturn(id, fboxtest.ReturnLine{GoodID: kettle, Stock: 1})
	require.NoError(t, err)
	b.returned(t, ret, id)
	require.Equal(t, 4.0, b.ms.Stock(b.store.ID, b.p.kettle.ID))

	c := b.checkNow(t)
	require.Zero(t, c.InFlight+c.Explained+c.Unexplained, "%+v", c.Lines)
	require.Equal(t, c.Goods, c.Matched)
	require.GreaterOrEqual(t, c.Matched, 2)

	// A receipt the feed has not read yet: in flight.
	doc2, indoc2 := b.submitted(t, line{b.p.kettle, 4})
	receipt, err := b.fb.Receive(indoc2, fboxtest.Line{GoodID: kettle, Useful: 4})
	require.NoError(t, err)
	c = b.checkNow(t)
	require.Equal(t, 1, c.InFlight)
	require.Zero(t, c.Unexplained)
	l := lineOf(t, c, kettle)
	require.Equal(t, storage.StockInFlight, l.Class)
	require.Equal(t, 8.0, l.Expected)
	require.Equal(t, 4.0, l.Actual)
	i := len(l.Documents) - 1
	require.Equal(t, receipt, l.Documents[i].OutdocID, "the drill-down names the receipt")
	require.Equal(t, fulfillment.OutdocSupply, l.Documents[i].Type)
	require.Empty(t, l.Documents[i].Status, "skladflow has not read it")
	require.Equal(t, "in_flight", l.Documents[i].Role)
	b.pollNow(t)
	b.waitStatus(t, moysklad.TypeSupply, doc2.ID, "Проведён")

	// Units that appeared behind skladflow's back: unexplained, shown by
	// the API, the CSV, the page and the metric; alerted on the second run.
	b.fb.AddStock(mug, 2, 0)
	c = b.checkByAPI(t)
	require.Equal(t, 1, c.Unexplained, "%+v", c.Lines)
	l = lineOf(t, c, mug)
	require.Equal(t, storage.StockUnexplained, l.Class)
	require.Equal(t, 5.0, l.Expected)
	require.Equal(t, 3.0, l.Actual)
	require.Contains(t, l.Note, "в МойСклад на 2 ед. меньше")

	status, body := b.api(t, http.MethodGet, "/api/stock-check", "admin", stockAdminPass)
	require.Equal(t, http.StatusOK, status)
	checks := body["checks"].([]any)
	require.Len(t, checks, 1)
	got := checks[0].(map[string]any)
	require.Equal(t, float64(c.ID), got["id"])
	require.Equal(t, 1.0, got["unexplained"])
	first := got["lines"].([]any)[0].(map[string]any)
	require.Equal(t, mug, first["good_id"])
	require.Equal(t, 2.0, first["difference"])

	typ, text := b.getText(t, "/api/stock-check?id="+strconv.FormatInt(c.ID, 10), map[string]string{"Accept": "text/csv"})
	require.Contains(t, typ, "text/csv")
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 2)
	require.Equal(t, []string{storage.StockUnexplained, mug}, rows[1][3:5])

	_, page := b.getText(t, "/admin/stock-check", nil)
	require.Contains(t, page, "Сверка остатков")
	require.Contains(t, page, "не объяснено: 1")
	require.Contains(t, page, mug)

	_, metrics := b.getText(t, "/metrics", nil)
	require.Contains(t, metrics, `skladflow_stock_discrepancies{class="unexplained"} 1`)
	require.Contains(t, metrics, `skladflow_stock_discrepancies{class="in_flight"} 0`)

	require.Empty(t, stockAlerts(alerts()), "one check is not yet a persisting difference")
	b.checkByAPI(t)
	require.Eventually(t, func() bool { return len(stockAlerts(alerts())) == 1 }, patience, 20*time.Millisecond)
	require.Contains(t, stockAlerts(alerts())[0], "«Кружка» ("+mug+")")
}

func stockAlerts(texts []string) []string {
	var out []string
	for _, s := range texts {
		if strings.Contains(s, "Сверка остатков") {
			out = append(out, s)
		}
	}
	return out
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binary builds skladflow once for the package's tests.
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := exec.Command("mktemp", "-d").Output()
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(strings.TrimSpace(string(dir)), "skladflow")
		if out, err := exec.Command("go", "build", "-o", binPath, "github.com/skladflow/skladflow/cmd/skladflow").CombinedOutput(); err != nil {
			binErr = errors.New(string(out))
		}
	})
	require.NoError(t, binErr)
	return binPath
}

// The stock-check command's exit status: 0 nothing unexplained, 1
// something, 2 no check.
func TestStockCheckCommand(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	h := skladflowtest.Start(t, skladflowtest.Options{NoService: true})
	run := func(format string) (int, string) {
		path := filepath.Join(t.TempDir(), "skladflow.yaml")
		_, err := h.WriteConfig(path, nil)
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, bin, "stock-check", "--config", path, "--format", format).Output()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), string(out)
		}
		require.NoError(t, err)
		return 0, string(out)
	}
	code, out := run("text")
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "0 unexplained")

	// Staff booked units at the warehouse store in MoySklad.
	require.NoError(t, h.MoySklad.SetStock(h.Store.ID, h.Products[0].ID, 3))
	code, out = run("csv")
	require.Equal(t, 1, code, out)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 2)
	// Keyed by its SKU, as the flows would key it: the warehouse has none.
	require.Equal(t, []string{storage.StockUnexplained, h.Products[0].Article, h.Products[0].ID}, rows[1][3:6])
	code, out = run("text")
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "1 unexplained")
	require.Contains(t, out, "unexplained "+h.Products[0].Article+" «"+h.Products[0].Name+"»: warehouse says 0, MoySklad has 3 — разница не объясняется документами склада: в МойСклад на 3 ед. больше")

	h.Config.MoySklad.Token = "wrong-token"
	code, out = run("json")
	require.Equal(t, 2, code, out)
}

// Orders another system sent to the warehouse, with no orders flow
// configured: their shipment is explained, and the check names it.
func TestStockCheckExplained(t *testing.T) {
	t.Parallel()
	b := setup(t)
	kettle := b.p.kettle.Article
	doc, indoc := b.submitted(t, line{b.p.kettle, 5})
	b.receive(t, indoc, fboxtest.Line{GoodID: kettle, Useful: 5})
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")

	fb, err := fulfillment.NewClient(fulfillment.Config{BaseURL: b.fb.URL(), PartnerID: "partner", Password: "secret"})
	require.NoError(t, err)
	require.NoError(t, fb.CreateOrders(b.ctx, fulfillment.Order{OrderID: "SHOP-1", DeliveryID: 3,
		Client:  &fulfillment.OrderClient{Name: "Иванов Иван", Phone: "+79001234567"},
		Address: &fulfillment.OrderAddress{Zip: "101000", City: "Москва", Street: "Мясницкая", House: "1"},
		Goods:   []fulfillment.OrderGood{{GoodID: kettle, DeclaredValue: 1500}, {GoodID: kettle, DeclaredValue: 1500}}}))
	b.fb.ProcessOrders() // its optional outdocs are off: none comes of it
	require.NoError(t, b.fb.StartPicking("SHOP-1"))
	ship, err := b.fb.ShipOrders(nil, "SHOP-1")
	require.NoError(t, err)

	c := b.checkNow(t)
	require.Equal(t, 1, c.Explained, "%+v", c.Lines)
	require.Zero(t, c.Unexplained+c.InFlight)
	l := lineOf(t, c, kettle)
	require.Equal(t, 3.0, l.Expected)
	require.Equal(t, 5.0, l.Actual)
	require.Contains(t, l.Note, fulfillment.OutdocOrdersShipment)
	i := slices.IndexFunc(l.Documents, func(d storage.StockCheckDocument) bool { return d.OutdocID == ship })
	require.GreaterOrEqual(t, i, 0, "the drill-down names the shipment: %+v", l.Documents)
	require.Equal(t, -2.0, l.Documents[i].Qnt)
	require.Equal(t, "unmirrored", l.Documents[i].Role)
}

// Every correction type and both long-storage moves, mirrored by the
// corrections flow under two placements: the report agrees with what the
// flows booked. The good registered at the warehouse by hand and unknown
// to MoySklad is the one discrepancy; the others were registered before
// skladflow too and are found by article.
func TestStockCheckAfterStockDocuments(t *testing.T) {
	t.Parallel()
	for _, o := range []stockOpts{{defect: true, long: true}, {keep: true, defect: true}} {
		t.Run(fmt.Sprintf("%+v", o), func(t *testing.T) {
			t.Parallel()
			b := setupStock(t, o)
			for _, s := range stockSteps {
				id, err := s.issue(b.fb)
				b.applied(t, id, err)
			}
			b.parity(t)
			c := b.checkNow(t)
			require.Zero(t, c.InFlight+c.Explained, "%+v", c.Lines)
			require.Equal(t, 1, c.Unexplained, "%+v", c.Lines)
			require.Equal(t, "XX-1", c.Lines[0].GoodID)
			require.Contains(t, c.Lines[0].Note, "не связан с товаром МойСклад")
		})
	}
}

// A partial receipt: its first part is read and locked, but MoySklad books
// the goods only with the final receipt. Meanwhile the part is in flight,
// not a discrepancy; after the final receipt everything matches.
func TestStockCheckPartialReceiptInFlight(t *testing.T) {
	t.Parallel()
	b := setup(t)
	kettle := b.p.kettle.Article
	doc, indoc := b.submitted(t, line{b.p.kettle, 10})
	part, err := b.fb.ReceivePart(indoc, 1, fboxtest.Line{GoodID: kettle, Useful: 6})
	require.NoError(t, err)
	b.pollNow(t)
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Принимается")
	b.outdocLocked(t, part)

	c := b.checkNow(t)
	require.Zero(t, c.Unexplained, "%+v", c.Lines)
	require.Equal(t, 1, c.InFlight)
	l := lineOf(t, c, kettle)
	require.Equal(t, storage.StockInFlight, l.Class)
	i := slices.IndexFunc(l.Documents, func(d storage.StockCheckDocument) bool { return d.OutdocID == part })
	require.GreaterOrEqual(t, i, 0, "the drill-down names the part: %+v", l.Documents)
	require.Equal(t, stockcheck.StatusAwaitingFinal, l.Documents[i].Status)

	b.receive(t, indoc, fboxtest.Line{GoodID: kettle, Useful: 4})
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	c = b.checkNow(t)
	require.Zero(t, c.InFlight+c.Explained+c.Unexplained, "%+v", c.Lines)
}
