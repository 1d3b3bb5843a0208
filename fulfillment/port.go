package fulfillment

import "context"

// Warehouse is the port skladflow drives a fulfillment warehouse through.
// The FBox client implements it; another WMS would too.
type Warehouse interface {
	CreateSupplyTask(ctx context.Context, t SupplyTask) error
	GetSupplyTask(ctx context.Context, indocID string) (*SupplyTask, error)
	DeleteIndoc(ctx context.Context, indocID string) error
	ListOutdocs(ctx context.Context, f OutdocFilter) ([]OutdocHeader, error)
	GetSupply(ctx context.Context, outdocID int64) (*Supply, error)
	LockOutdocs(ctx context.Context, lock bool, ids ...int64) error
	Unrecognized(ctx context.Context) ([]Unrecognized, error)
	CheckOutdocs(ctx context.Context, ids ...int64) ([]int64, error)
	Orders
}
