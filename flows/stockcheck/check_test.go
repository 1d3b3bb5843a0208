package stockcheck_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/flows/stockcheck"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/metrics"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/placement"
	"github.com/skladflow/skladflow/storage"
)

// warehouse is the stock port of a warehouse holding 5 units of every
// good, with no documents; it counts the movement requests.
type warehouse struct {
	fulfillment.Warehouse // the rest of the port: unused
	mu                    sync.Mutex
	goods                 []string
	drilled               []string
}

func (w *warehouse) ListGoods(context.Context, fulfillment.GoodFilter) ([]fulfillment.GoodCard, error) {
	var out []fulfillment.GoodCard
	for _, g := range w.goods {
		out = append(out, fulfillment.GoodCard{GoodID: g})
	}
	return out, nil
}

func (w *warehouse) GoodsStock(_ context.Context, ids ...string) ([]fulfillment.GoodStock, error) {
	var out []fulfillment.GoodStock
	for _, id := range ids {
		out = append(out, fulfillment.GoodStock{GoodID: id, QualType: fulfillment.QualUseful, Stock: 5})
	}
	return out, nil
}

// OutdocGoods: outdoc 41 shipped 2 units of G3; any other is gone.
func (w *warehouse) OutdocGoods(_ context.Context, id int64) ([]fulfillment.GoodMove, error) {
	if id != 41 {
		return nil, fmt.Errorf("outdoc %d: %w", id, fulfillment.ErrNotFound)
	}
	return []fulfillment.GoodMove{{GoodID: "G3", GoodState: fulfillment.GoodStateStock, QualType: fulfillment.QualUseful, Qnt: -2}}, nil
}

func (w *warehouse) GoodMovements(_ context.Context, f fulfillment.MovementFilter) ([]fulfillment.GoodMovement, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.drilled = append(w.drilled, f.GoodID+"/"+f.GoodState)
	return nil, nil
}

// moySklad holds the stock given, by assortment id, at store W.
type moySklad map[string]float64

func (m moySklad) StockByStore(_ context.Context, stores ...string) ([]moysklad.StoreStock, error) {
	var out []moysklad.StoreStock
	for id, n := range m {
		out = append(out, moysklad.StoreStock{AssortmentID: id, StoreID: "W", Stock: n})
	}
	out = append(out, moysklad.StoreStock{AssortmentID: "elsewhere", StoreID: "X", Stock: 9}) // not a warehouse store
	return out, nil
}

// documents is the machinery's MoySklad port, unused by the report.
type documents struct{ orchestrator.MoySklad }

func (documents) Attributes(context.Context, string) ([]moysklad.Attribute, error) { return nil, nil }

// FindAssortment knows one good registered at the warehouse before
// skladflow: OLD is the product "old".
func (m moySklad) FindAssortment(_ context.Context, _ moysklad.SKUFields, value string) ([]moysklad.Product, error) {
	if value == "OLD" {
		return []moysklad.Product{{ID: "old", Name: "Термос", Meta: moysklad.Meta{Type: moysklad.AssortmentProduct}}}, nil
	}
	return nil, nil
}

func (m moySklad) GetProduct(_ context.Context, id string) (*moysklad.Product, error) {
	return nil, fmt.Errorf("product %s: %w", id, moysklad.ErrNotFound)
}

func (m moySklad) GetVariant(_ context.Context, id string) (*moysklad.Product, error) {
	return &moysklad.Product{ID: id, Name: "Кружка (синяя)"}, nil
}

func setup(t *testing.T, ms moySklad, maxDrill int, goods ...string) (*stockcheck.Checker, *warehouse, *metrics.Set, *storage.Store) {
	t.Helper()
	ctx := context.Background()
	o, err := orchestrator.New(orchestrator.Config{RetryHorizon: time.Hour, ReconcileInterval: time.Hour}, documents{})
	require.NoError(t, err)
	st, err := storage.Open(ctx, storage.Config{Path: filepath.Join(t.TempDir(), "db.sqlite")})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	o.Attach(st)
	var bindings []storage.Good
	for i, g := range goods {
		bindings = append(bindings, storage.Good{Warehouse: "БетаПРО", AssortmentType: "product", AssortmentID: "a" + string(rune('0'+i)), GoodID: g})
	}
	require.NoError(t, st.SaveGoods(ctx, bindings...))
	wh := &warehouse{goods: append(goods, "FOREIGN", "OLD")}
	m := metrics.NewSet()
	c, err := stockcheck.New(stockcheck.Config{MoySklad: ms, MaxDrillDown: maxDrill, Metrics: m})
	require.NoError(t, err)
	c.Attach(o, []feed.Warehouse{{Name: "БетаПРО", StoreID: "W", API: wh, Placement: placement.Rules{Store: "W"}}}, []string{fulfillment.OutdocSupply, fulfillment.OutdocShipment})
	return c, wh, m, st
}

func TestCheckDrillsOnlyIntoDifferences(t *testing.T) {
	t.Parallel()
	// a0..a3 are G0..G3; G0 matches, G1..G3 differ; the warehouse has a
	// good of its own (FOREIGN), one registered before skladflow (OLD, found
	// by SKU: it matches) and MoySklad one the warehouse lacks.
	c, wh, m, st := setup(t, moySklad{"a0": 5, "a1": 4, "a2": 0, "a3": 7, "lost": 2, "old": 5}, 2, "G0", "G1", "G2", "G3")
	// The feed read a shipment of G3 (41) and one the warehouse deleted
	// since (42); neither is applied yet.
	_, err := st.AcceptOutdocs(context.Background(), "БетаПРО", []storage.Outdoc{{OutdocID: 41, Type: fulfillment.OutdocShipment}, {OutdocID: 42, Type: fulfillment.OutdocShipment}})
	require.NoError(t, err)
	checks, err := c.Run(context.Background())
	require.NoError(t, err)
	require.Len(t, checks, 1)
	chk := checks[0]
	require.Equal(t, 7, chk.Goods)
	require.Equal(t, 2, chk.Matched)
	require.Equal(t, 4, chk.Unexplained)
	require.Equal(t, 1, chk.InFlight, "G3 is beyond the bound, but a document skladflow has not applied names it")
	require.Equal(t, []string{"G1/stock", "G1/long_storage", "G2/stock", "G2/long_storage"}, wh.drilled,
		"only differing goods, at most MaxDrillDown of them, in the states MoySklad books")
	byGood := map[string]storage.StockCheckLine{}
	for _, l := range chk.Lines {
		byGood[l.GoodID+l.AssortmentID] = l
	}
	require.Equal(t, storage.StockInFlight, byGood["G3a3"].Class)
	require.Equal(t, []storage.StockCheckDocument{{OutdocID: 41, Type: fulfillment.OutdocShipment, CreatedAt: byGood["G3a3"].Documents[0].CreatedAt,
		Qnt: -2, Status: storage.OutdocNew, Role: stockcheck.RoleInFlight}}, byGood["G3a3"].Documents)
	require.Contains(t, byGood["G2a2"].Note, "не объясняется")
	require.Contains(t, byGood["FOREIGN"].Note, "не связан")
	require.Contains(t, byGood["lost"].Note, "не зарегистрирован")
	require.Equal(t, "Кружка (синяя)", byGood["lost"].Name, "a good unknown to the warehouse is named")
	require.Equal(t, moysklad.AssortmentVariant, byGood["lost"].AssortmentType)
	require.Equal(t, []storage.StockCheckStore{{StoreID: "W", Label: "БетаПРО", Expected: 5, Actual: 4}}, byGood["G1a1"].Stores)
	require.Equal(t, 4.0, m.StockDiscrepancies.Value(storage.StockUnexplained))
	require.Equal(t, 1.0, m.StockDiscrepancies.Value(storage.StockInFlight))

	saved, err := c.Run(context.Background())
	require.NoError(t, err)
	require.Greater(t, saved[0].ID, chk.ID, "every run is kept")
}
