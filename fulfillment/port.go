package fulfillment

import "context"

// Warehouse is the port skladflow drives a fulfillment warehouse through,
// one interface per kind of document: each flow holds the part it needs.
// The FBox client implements it; another WMS would too.
type Warehouse interface {
	Feed
	Supplies
	Catalogue
	Orders
	Shipments
	Stock
}

// Feed is the warehouse's stream of outgoing documents (fbox.md §8):
// listed, read, locked once imported, checked for deletions.
type Feed interface {
	ListOutdocs(ctx context.Context, f OutdocFilter) ([]OutdocHeader, error)
	// GetOutdoc is a document's body as the warehouse sends it; its type
	// decides how a flow reads it.
	GetOutdoc(ctx context.Context, outdocID int64) ([]byte, error)
	LockOutdocs(ctx context.Context, lock bool, ids ...int64) error
	CheckOutdocs(ctx context.Context, ids ...int64) ([]int64, error)
	SetOutdocAttributes(ctx context.Context, outdocID int64, attrs ...Attribute) error
}

// Supplies are goods into the warehouse: supply tasks, their receipts and
// the goods received unrecognized.
type Supplies interface {
	CreateSupplyTask(ctx context.Context, t SupplyTask) error
	GetSupplyTask(ctx context.Context, indocID string) (*SupplyTask, error)
	DeleteIndoc(ctx context.Context, indocID string) error
	GetSupply(ctx context.Context, outdocID int64) (*Supply, error)
	Unrecognized(ctx context.Context) ([]Unrecognized, error)
}

var _ Warehouse = (*Client)(nil)
