// Package stockcheck is the parity report (issue 12 §3): it compares each
// warehouse's stock (FBox POST /goods/stock) with MoySklad's at the
// warehouse's stores (the stock-by-store report), joined through the
// catalogue mapping, and classes every good that differs as in flight,
// explained or unexplained. The result is kept with its history, shown
// in the admin, counted in a metric and alerted on when an unexplained
// difference persists.
package stockcheck

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/metrics"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// MoySklad is what the report reads of MoySklad.
type MoySklad interface {
	// StockByStore is the current stock at the stores, zero lines
	// included (GET /report/stock/bystore/current).
	StockByStore(ctx context.Context, storeIDs ...string) ([]moysklad.StoreStock, error)
	// FindAssortment finds a warehouse good skladflow never registered by
	// its SKU.
	FindAssortment(ctx context.Context, f moysklad.SKUFields, value string) ([]moysklad.Product, error)
	// GetProduct and GetVariant name a good the warehouse does not know.
	GetProduct(ctx context.Context, id string) (*moysklad.Product, error)
	GetVariant(ctx context.Context, id string) (*moysklad.Product, error)
}

// Alerter tells support about a problem and its end.
type Alerter interface {
	Raise(ctx context.Context, key, text string)
	Resolve(ctx context.Context, key, text string)
}

// Config configures the parity report.
type Config struct {
	// MoySklad reads the stock at the warehouses' stores. Required.
	MoySklad MoySklad
	// Interval is how often the report runs. Defaults to 2h.
	Interval time.Duration
	// Horizon is how long a warehouse document may take to appear in the
	// feed after its created_at. Defaults to 5m.
	Horizon time.Duration
	// Keep is how long checks are kept. Defaults to 30 days.
	Keep time.Duration
	// MaxDrillDown bounds the goods whose movements (POST
	// /goods/movements) one check reads. Defaults to 100.
	MaxDrillDown int
	// MaxLookups bounds the warehouse goods without a catalogue binding
	// that one check looks up in MoySklad by SKU. Defaults to 500.
	MaxLookups int
	// JobTimeout bounds one run of the report's job. Defaults to 30m.
	JobTimeout time.Duration
	// Metrics receives skladflow_stock_discrepancies. Defaults to a
	// private set.
	Metrics *metrics.Set
	// Alerts is told when a good stays unexplained over two checks.
	// Optional.
	Alerts Alerter
}

func (c *Config) setDefaults() {
	if c.Interval == 0 {
		c.Interval = 2 * time.Hour
	}
	if c.Horizon == 0 {
		c.Horizon = 5 * time.Minute
	}
	if c.Keep == 0 {
		c.Keep = 30 * 24 * time.Hour
	}
	if c.MaxLookups == 0 {
		c.MaxLookups = 500
	}
	if c.JobTimeout == 0 {
		c.JobTimeout = 30 * time.Minute
	}
	if c.MaxDrillDown == 0 {
		c.MaxDrillDown = 100
	}
	if c.Metrics == nil {
		c.Metrics = metrics.NewSet()
	}
}

// Checker runs the parity report.
type Checker struct {
	cfg      Config
	o        *orchestrator.Orchestrator
	whs      []feed.Warehouse
	mirrored map[string]bool
	mu       sync.Mutex // one check at a time
}

// New builds the report; Attach gives it the warehouses.
func New(cfg Config) (*Checker, error) {
	cfg.setDefaults()
	if cfg.MoySklad == nil {
		return nil, errors.New("stockcheck: MoySklad is required")
	}
	return &Checker{cfg: cfg, mirrored: map[string]bool{}}, nil
}

// Attach gives the report the machinery (store, clock, logger), the
// warehouses and the outdoc types the configured flows mirror.
func (c *Checker) Attach(o *orchestrator.Orchestrator, whs []feed.Warehouse, mirrored []string) {
	c.o, c.whs = o, whs
	for _, t := range mirrored {
		c.mirrored[t] = true
	}
}

func (c *Checker) log() *slog.Logger { return c.o.Logger().With("component", "stockcheck") }

// Run checks every warehouse, records each check and refreshes the
// metric. A warehouse that cannot be checked is recorded with its error,
// and the errors are returned joined after the others are checked.
func (c *Checker) Run(ctx context.Context) ([]storage.StockCheck, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.o == nil {
		return nil, errors.New("stockcheck: not attached")
	}
	var out []storage.StockCheck
	var errs []error
	for i := range c.whs {
		wh := &c.whs[i]
		chk, err := c.check(ctx, wh)
		if err != nil {
			if ctx.Err() != nil {
				return out, err
			}
			errs = append(errs, fmt.Errorf("warehouse %s: %w", wh.Name, err))
			chk = storage.StockCheck{Warehouse: wh.Name, StartedAt: chk.StartedAt, Error: err.Error()}
		}
		chk.FinishedAt = c.o.Now()
		if chk.ID, err = c.o.Store().SaveStockCheck(ctx, chk, chk.StartedAt.Add(-c.cfg.Keep)); err != nil {
			return out, fmt.Errorf("stockcheck: save %s: %w", wh.Name, err)
		}
		out = append(out, chk)
	}
	return out, errors.Join(append(errs, c.Scrape(ctx))...)
}

// check compares one warehouse.
func (c *Checker) check(ctx context.Context, wh *feed.Warehouse) (storage.StockCheck, error) {
	chk := storage.StockCheck{Warehouse: wh.Name, StartedAt: c.o.Now()}
	goods, err := c.sides(ctx, wh)
	if err != nil {
		return chk, err
	}
	pending, err := c.pending(ctx, wh)
	if err != nil {
		return chk, err
	}
	pol := Policy{Mirrored: func(t string) bool { return c.mirrored[t] }, Now: c.o.Now(), Horizon: c.cfg.Horizon}
	drilled := 0
	for _, g := range goods {
		chk.Goods++
		if minus(g.Expected, g.Actual).zero() {
			chk.Matched++
			continue
		}
		if g.GoodID != "" && g.AssortmentID != "" && drilled < c.cfg.MaxDrillDown {
			drilled++
			if g.Docs, err = c.movements(ctx, wh, g.GoodID); err != nil {
				return chk, fmt.Errorf("movements of %s: %w", g.GoodID, err)
			}
			g.Drilled = true
		}
		g.Docs = withPending(g.Docs, pending[g.GoodID])
		r := Classify(*g, pol)
		switch r.Class {
		case storage.StockInFlight:
			chk.InFlight++
		case storage.StockExplained:
			chk.Explained++
		default:
			chk.Unexplained++
		}
		chk.Lines = append(chk.Lines, storage.StockCheckLine{GoodID: g.GoodID, AssortmentID: g.AssortmentID, AssortmentType: g.AssortmentType,
			Name: g.Name, Class: r.Class, Expected: g.Expected.total(), Actual: g.Actual.total(), Stores: c.stores(wh, g),
			Documents: r.Docs, Note: r.Note})
	}
	return chk, nil
}

// sides reads both sides of a warehouse and joins them by good, sorted by
// good_id then assortment id.
func (c *Checker) sides(ctx context.Context, wh *feed.Warehouse) ([]*Good, error) {
	mapping, err := c.o.Store().AllGoods(ctx, wh.Name)
	if err != nil {
		return nil, err
	}
	// MoySklad first: a document the warehouse adds while the check reads
	// is then on the warehouse's side only, where a young document
	// explains it (in flight), never on MoySklad's alone.
	stores := wh.Placement.Stores()
	ms, err := c.cfg.MoySklad.StockByStore(ctx, stores...)
	if err != nil {
		return nil, fmt.Errorf("MoySklad stock: %w", err)
	}
	byGood := map[string]*Good{}
	byItem := map[string]*Good{}
	var ids []string
	for _, m := range mapping {
		g := &Good{GoodID: m.GoodID, AssortmentID: m.AssortmentID, AssortmentType: m.AssortmentType, Name: m.Name, Expected: Units{}, Actual: Units{}}
		byGood[m.GoodID], byItem[m.AssortmentID] = g, g
		ids = append(ids, m.GoodID)
	}
	// The warehouse's own list too: a good registered there by someone
	// else is stock MoySklad cannot know of. An empty good_ids asking for
	// every good is unconfirmed (fulfillment.GoodsStock), so ids are named.
	cards, err := wh.API.ListGoods(ctx, fulfillment.GoodFilter{})
	if err != nil {
		return nil, fmt.Errorf("list goods: %w", err)
	}
	for _, card := range cards {
		if _, ok := byGood[card.GoodID]; !ok {
			byGood[card.GoodID] = &Good{GoodID: card.GoodID, Name: card.GoodName, Expected: Units{}, Actual: Units{}}
			ids = append(ids, card.GoodID)
		}
	}
	more, err := c.keyUnmapped(ctx, wh, ms, byGood, byItem)
	if err != nil {
		return nil, err
	}
	ids = append(ids, more...)
	var lines []fulfillment.GoodStock
	if len(ids) > 0 {
		if lines, err = wh.API.GoodsStock(ctx, ids...); err != nil {
			return nil, fmt.Errorf("goods stock: %w", err)
		}
	}
	for _, l := range lines {
		g, ok := byGood[l.GoodID]
		if !ok {
			g = &Good{GoodID: l.GoodID, Expected: Units{}, Actual: Units{}}
			byGood[l.GoodID] = g
		}
		g.Expected.add(wh.Placement.Booked(l))
	}
	if err := c.findUnmapped(ctx, wh, byGood, byItem); err != nil {
		return nil, err
	}
	for _, s := range ms {
		if !slices.Contains(stores, s.StoreID) {
			continue
		}
		g, ok := byItem[s.AssortmentID]
		if !ok {
			g = &Good{AssortmentID: s.AssortmentID, Expected: Units{}, Actual: Units{}}
			byItem[s.AssortmentID] = g
		}
		g.Actual[s.StoreID] += s.Stock
	}
	seen := map[*Good]bool{}
	var out []*Good
	for _, m := range []map[string]*Good{byGood, byItem} {
		for _, g := range m {
			if !seen[g] {
				seen[g] = true
				out = append(out, g)
			}
		}
	}
	slices.SortFunc(out, func(a, b *Good) int {
		return cmp.Or(cmp.Compare(a.GoodID, b.GoodID), cmp.Compare(a.AssortmentID, b.AssortmentID))
	})
	c.nameUnmapped(ctx, out)
	return out, nil
}

// movements reads the documents that moved a good in the states MoySklad
// books (POST /goods/movements, #good_move_desc), with skladflow's record
// of each, oldest first.
func (c *Checker) movements(ctx context.Context, wh *feed.Warehouse, goodID string) ([]Doc, error) {
	states := []string{fulfillment.GoodStateStock, fulfillment.GoodStateLongStorage}
	if wh.Placement.KeepQuarantine {
		states = append(states, fulfillment.GoodStateQuarantine)
	}
	byID := map[int64]*Doc{}
	for _, st := range states {
		mv, err := wh.API.GoodMovements(ctx, fulfillment.MovementFilter{GoodID: goodID, GoodState: st})
		if err != nil {
			return nil, err
		}
		for _, m := range mv {
			d, ok := byID[m.OutdocID]
			if !ok {
				d = &Doc{OutdocID: m.OutdocID, Type: m.OutdocType, TypeName: m.OutdocTypeDescrip, CreatedAt: m.CreatedAt.Time, Moves: Units{}}
				byID[m.OutdocID] = d
			}
			if s := wh.Placement.StoreOf(st, m.QualType); s != "" {
				d.Moves[s] += float64(m.Qnt)
			}
		}
	}
	var out []Doc
	for _, d := range byID {
		if d.Moves.zero() {
			continue // a move between states booked at one store
		}
		od, err := c.o.Store().Outdoc(ctx, wh.Name, d.OutdocID)
		switch {
		case err == nil:
			d.Status, err = c.statusOf(ctx, od)
			if err != nil {
				return nil, err
			}
		case !errors.Is(err, storage.ErrNotFound):
			return nil, err
		}
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b Doc) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.OutdocID, b.OutdocID))
	})
	return out, nil
}

// stores are a good's figures per store, labelled for staff.
func (c *Checker) stores(wh *feed.Warehouse, g *Good) []storage.StockCheckStore {
	var out []storage.StockCheckStore
	for _, s := range sortedStores(g.Expected, g.Actual) {
		label := wh.Name
		switch s {
		case wh.Placement.Store:
		case wh.Placement.DefectStore:
			label += " (брак)"
		case wh.Placement.LongStorageStore:
			label += " (длительное хранение)"
		}
		out = append(out, storage.StockCheckStore{StoreID: s, Label: label, Expected: g.Expected[s], Actual: g.Actual[s]})
	}
	return out
}
