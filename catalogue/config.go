package catalogue

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

// MoySklad is what the catalogue reads of MoySklad. The client implements
// it.
type MoySklad interface {
	GetProduct(ctx context.Context, id string) (*moysklad.Product, error)
	GetVariant(ctx context.Context, id string) (*moysklad.Product, error)
	BundleComponents(ctx context.Context, bundleID string) ([]moysklad.BundleComponent, error)
	FindAssortment(ctx context.Context, f moysklad.SKUFields, value string) ([]moysklad.Product, error)
}

// Assortment lists a whole MoySklad account's goods, for Sync. The client
// implements it.
type Assortment interface {
	Products(ctx context.Context) ([]moysklad.Product, error)
	Variants(ctx context.Context) ([]moysklad.Product, error)
}

// Bindings stores which good_id each assortment item has at a warehouse.
// *storage.Store implements it.
type Bindings interface {
	Goods(ctx context.Context, warehouse string, assortmentIDs ...string) (map[string]storage.Good, error)
	GoodByID(ctx context.Context, warehouse, goodID string) (storage.Good, error)
	VariantGoods(ctx context.Context, warehouse, productID string) ([]storage.Good, error)
	SaveGoods(ctx context.Context, goods ...storage.Good) error
}

// Leases make a step exclusive across every process on the database.
// The flows' bindings implement it with the orchestrator's leases.
type Leases interface {
	// Exclusive runs fn as the only holder of key, or fails at once,
	// without running fn, while another holds it.
	Exclusive(ctx context.Context, key string, fn func() error) error
}

// Alerter tells support about a problem once (alerts.Alerter implements
// it).
type Alerter interface {
	Raise(ctx context.Context, key, text string)
}

// Sizes name the product custom fields (доп. поля) holding one unit's
// packed sizes in millimetres: MoySklad has only weight and volume. A card
// carries sizes and weight only when all four are known (#good_dim_desc).
type Sizes struct {
	Length, Width, Height string
}

// Config configures the catalogue of one warehouse.
type Config struct {
	// Warehouse is the configured warehouse name: bindings are per
	// warehouse. Required.
	Warehouse string
	// SKUs are the fields a new good's good_id is taken from. Required.
	SKUs moysklad.SKUFields
	// FBox is the warehouse's catalogue API. Required.
	FBox fulfillment.Catalogue
	// MoySklad reads variants' products and bundles' components. Required.
	MoySklad MoySklad
	// Bindings keeps the good_ids. Required.
	Bindings Bindings
	// RebindBarcodes moves a barcode bound to another good at the
	// warehouse to ours (EAN mode set) instead of refusing. Defaults to
	// false: the warehouse would identify the other good's units as ours.
	RebindBarcodes bool
	// Sizes are the custom fields with the sizes. Defaults to none: cards
	// carry no sizes and no weight.
	Sizes Sizes
	// WeightUnit is MoySklad's weight unit: kg or g. Defaults to kg.
	WeightUnit string
	// Leases make the first registration of a good_id one step across
	// replicas sharing the database: without them two replicas could each
	// send a different item's card under one new good_id. Defaults to
	// none: registration is serialised in this process only (enough for
	// one replica, or a command run while the service is stopped).
	Leases Leases
	// Alerts is told about edited articles. Defaults to none.
	Alerts Alerter
	// Logger defaults to discarding.
	Logger *slog.Logger
}

func (c *Config) validate() error {
	if c.Warehouse == "" || c.SKUs.Product == "" || c.SKUs.Variant == "" || c.FBox == nil || c.MoySklad == nil || c.Bindings == nil {
		return errors.New("catalogue: Warehouse, SKUs, FBox, MoySklad and Bindings are required")
	}
	if c.WeightUnit == "" {
		c.WeightUnit = "kg"
	}
	if c.WeightUnit != "kg" && c.WeightUnit != "g" {
		return errors.New("catalogue: WeightUnit must be kg or g")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// Catalogue is one warehouse's register of goods.
type Catalogue struct {
	cfg Config
	// mu makes deciding and registering one step per warehouse in this
	// process: two documents bringing two new products with one SKU at once
	// must not both take the good_id. Across processes Leases do (see
	// register).
	mu sync.Mutex
}

// New builds a warehouse's catalogue.
func New(cfg Config) (*Catalogue, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Catalogue{cfg: cfg}, nil
}

// Warehouse is the warehouse's configured name.
func (c *Catalogue) Warehouse() string { return c.cfg.Warehouse }

// ConfigFor is the part of a catalogue's configuration a warehouse's
// configuration gives; the caller adds the clients and the bindings.
func ConfigFor(w config.Warehouse) Config {
	return Config{
		Warehouse:      w.Name,
		SKUs:           moysklad.SKUFields{Product: w.SKUField, Variant: w.VariantSKUField},
		RebindBarcodes: w.Goods.RebindBarcodes,
		Sizes:          Sizes{Length: w.Goods.SizeFields.Length, Width: w.Goods.SizeFields.Width, Height: w.Goods.SizeFields.Height},
		WeightUnit:     w.Goods.WeightUnit,
	}
}
