// Package flows is the list of skladflow's document flows, each a package
// of its own below this one: what each needs of MoySklad (its statuses, for
// setup) and how each is built from the configuration. A new flow is one
// more package and one more entry in both functions here; the machinery
// (orchestrator) and the wiring (service) stay as they are.
package flows

import (
	"context"
	"fmt"
	"regexp"
	"slices"

	"github.com/skladflow/skladflow/catalogue"
	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/flows/corrections"
	"github.com/skladflow/skladflow/flows/delivery"
	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/flows/inbound"
	"github.com/skladflow/skladflow/flows/orders"
	"github.com/skladflow/skladflow/flows/returns"
	"github.com/skladflow/skladflow/flows/shipment"
	"github.com/skladflow/skladflow/flows/stockcheck"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/placement"
)

// Stores is what resolving a warehouse's store needs of MoySklad.
type Stores interface {
	GetStore(ctx context.Context, id string) (*moysklad.Store, error)
	FindStores(ctx context.Context, name string) ([]moysklad.Store, error)
}

// Deps are the clients the flows are built with.
type Deps struct {
	// Stores resolves the warehouses' MoySklad stores. Required.
	Stores Stores
	// Warehouse makes a warehouse's WMS client. Required.
	Warehouse func(config.Warehouse) (fulfillment.Warehouse, error)
	// Courier is the CDEK client; nil without a cdek section.
	Courier cdek.Courier
	// Assortment reads products, variants and bundles for the warehouses'
	// catalogues. Required.
	Assortment catalogue.MoySklad
	// Alerts is told about edited articles. Optional.
	Alerts catalogue.Alerter
	// Parity is the stock check: Build gives it the warehouses and the
	// outdoc types the flows mirror, and adds its jobs. Optional.
	Parity *stockcheck.Checker
}

// Build builds the configured flows on the machinery.
func Build(ctx context.Context, cfg *config.Config, o *orchestrator.Orchestrator, d Deps) ([]orchestrator.Flow, error) {
	var whs []feed.Warehouse
	stores := map[string]string{}
	for _, w := range cfg.Warehouses {
		storeID, err := resolveStore(ctx, d.Stores, w.Store)
		if err != nil {
			return nil, fmt.Errorf("warehouse %q: %w", w.Name, err)
		}
		api, err := d.Warehouse(w)
		if err != nil {
			return nil, fmt.Errorf("warehouse %q: %w", w.Name, err)
		}
		cat, err := newCatalogue(w, api, o, d)
		if err != nil {
			return nil, fmt.Errorf("warehouse %q: %w", w.Name, err)
		}
		stores[storeID] = w.Name
		rules, err := placementOf(ctx, cfg, w, storeID, d.Stores)
		if err != nil {
			return nil, fmt.Errorf("warehouse %q: %w", w.Name, err)
		}
		whs = append(whs, feed.Warehouse{Name: w.Name, StoreID: storeID, SKUField: w.SKUField, VariantSKUField: w.VariantSKUField,
			API: api, Catalogue: cat, PollInterval: w.FBox.PollInterval.Duration, Shared: w.FBox.SharedReading, SharedLag: w.FBox.SharedLag.Duration,
			Placement: rules})
	}
	fd, err := feed.New(o, whs)
	if err != nil {
		return nil, err
	}
	o.AddJobs(fd)
	// Shipments first: a move between two warehouse stores is shipped out
	// of its source before anything is received at its target.
	sh, err := shipment.New(o, shipment.Config{Feed: fd, Statuses: cfg.Statuses, Shipment: cfg.Shipment, ReceivedBy: receivedBy(cfg)})
	if err != nil {
		return nil, err
	}
	in, err := inbound.New(o, inbound.Config{Feed: fd, Statuses: cfg.Statuses, Receipt: cfg.Receipt, DocumentTypes: cfg.MoySklad.Documents})
	if err != nil {
		return nil, err
	}
	out := []orchestrator.Flow{sh, in}
	if cfg.Orders != nil {
		// Before the CDEK flow, which takes every customer order: this one
		// takes those reserved at a warehouse store.
		or, err := orders.New(o, orders.Config{Feed: fd, Statuses: cfg.Statuses, Orders: *cfg.Orders})
		if err != nil {
			return nil, err
		}
		out = append(out, or)
		// After the orders flow: returns are written to its orders.
		if _, err := returns.New(o, returns.Config{Feed: fd, Statuses: cfg.Statuses, Returns: cfg.Returns, Alerts: d.Alerts}); err != nil {
			return nil, err
		}
	}
	co, err := corrections.New(o, corrections.Config{Feed: fd, Alerts: d.Alerts})
	if err != nil {
		return nil, err
	}
	o.AddJobs(co)
	if cfg.CDEK != nil && d.Courier != nil {
		de, err := delivery.New(o, delivery.Config{API: d.Courier, CDEK: cfg.CDEK, Statuses: cfg.Statuses, WarehouseStores: stores})
		if err != nil {
			return nil, err
		}
		out = append(out, de)
	}
	if d.Parity != nil {
		d.Parity.Attach(o, fd.Warehouses(), fd.OutdocTypes())
		o.AddJobs(d.Parity)
	}
	return out, nil
}

// placementOf resolves the stores a warehouse's units are booked at.
func placementOf(ctx context.Context, cfg *config.Config, w config.Warehouse, storeID string, stores Stores) (placement.Rules, error) {
	r := placement.Rules{Store: storeID, Defective: cfg.Receipt.Defective == config.DefectiveAccept,
		KeepQuarantine: cfg.Stock.Quarantine == config.QuarantineKeep}
	for _, s := range []struct {
		name string
		id   *string
	}{{w.DefectStore, &r.DefectStore}, {w.LongStorageStore, &r.LongStorageStore}} {
		if s.name == "" {
			continue
		}
		id, err := resolveStore(ctx, stores, s.name)
		if err != nil {
			return r, err
		}
		*s.id = id
	}
	return r, nil
}

// receivedBy is the flow a move into a warehouse store is received by:
// the inbound flow, when it takes moves.
func receivedBy(cfg *config.Config) string {
	if slices.Contains(cfg.MoySklad.Documents, moysklad.TypeMove) {
		return fsm.Inbound().Name()
	}
	return ""
}

// Statuses are the MoySklad statuses the configured flows read and write,
// by document type: setup creates the missing ones.
func Statuses(cfg *config.Config) map[string][]moysklad.State {
	out := map[string][]moysklad.State{}
	for _, typ := range cfg.MoySklad.Documents {
		out[typ] = addStates(out[typ], inbound.States(cfg.Statuses))
	}
	for _, typ := range cfg.Shipment.Documents {
		out[typ] = addStates(out[typ], shipment.States(cfg.Statuses))
	}
	if cfg.CDEK != nil {
		for _, typ := range cfg.CDEK.Documents {
			out[typ] = addStates(out[typ], delivery.States(cfg.Statuses, cfg.CDEK))
		}
	}
	if cfg.Orders != nil {
		typ := moysklad.TypeCustomerOrder
		out[typ] = addStates(out[typ], orders.States(cfg.Statuses))
		out[typ] = addStates(out[typ], returns.States(cfg.Statuses))
		out[moysklad.TypeDemand] = addStates(out[moysklad.TypeDemand], returns.States(cfg.Statuses))
	}
	return out
}

// addStates adds the states not yet in have: several flows share a type
// and some status names.
func addStates(have, more []moysklad.State) []moysklad.State {
	for _, st := range more {
		if !slices.ContainsFunc(have, func(h moysklad.State) bool { return h.Name == st.Name }) {
			have = append(have, st)
		}
	}
	return have
}

// DocumentTypes are the document types of the configured flows, in
// configuration order.
func DocumentTypes(cfg *config.Config) []string {
	out := slices.Clone(cfg.MoySklad.Documents)
	more := cfg.Shipment.Documents
	if cfg.CDEK != nil {
		more = append(slices.Clone(more), cfg.CDEK.Documents...)
	}
	for _, typ := range more {
		if !slices.Contains(out, typ) {
			out = append(out, typ)
		}
	}
	if cfg.Orders != nil && !slices.Contains(out, moysklad.TypeCustomerOrder) {
		out = append(out, moysklad.TypeCustomerOrder)
	}
	return out
}

// newCatalogue builds a warehouse's catalogue on its WMS client, which
// must keep a register of goods.
func newCatalogue(w config.Warehouse, api fulfillment.Warehouse, o *orchestrator.Orchestrator, d Deps) (*catalogue.Catalogue, error) {
	fc, ok := api.(fulfillment.Catalogue)
	if !ok {
		return nil, fmt.Errorf("the warehouse's client keeps no catalogue of goods")
	}
	cfg := catalogue.ConfigFor(w)
	cfg.FBox, cfg.MoySklad, cfg.Bindings, cfg.Leases, cfg.Alerts = fc, d.Assortment, storeBindings{o}, storeBindings{o}, d.Alerts
	cfg.Logger = o.Logger()
	return catalogue.New(cfg)
}

// AssortmentTypes are the MoySklad goods types whose changes the flows
// follow: products and variants keep their warehouse cards current when
// any warehouse is configured.
func AssortmentTypes(cfg *config.Config) []string {
	if len(cfg.Warehouses) == 0 {
		return nil
	}
	return []string{moysklad.AssortmentProduct, moysklad.AssortmentVariant}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// resolveStore turns a store name or id into an id.
func resolveStore(ctx context.Context, ms Stores, ref string) (string, error) {
	if uuidRE.MatchString(ref) {
		s, err := ms.GetStore(ctx, ref)
		if err != nil {
			return "", fmt.Errorf("store %s: %w", ref, err)
		}
		return s.ID, nil
	}
	ss, err := ms.FindStores(ctx, ref)
	if err != nil {
		return "", fmt.Errorf("store %q: %w", ref, err)
	}
	switch len(ss) {
	case 0:
		return "", fmt.Errorf("store %q does not exist in MoySklad", ref)
	case 1:
		return ss[0].ID, nil
	}
	return "", fmt.Errorf("store name %q is not unique in MoySklad: use its id", ref)
}
