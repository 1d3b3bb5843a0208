package flows

import (
	"context"

	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// storeBindings are the catalogue's bindings in the machinery's store,
// which is opened (and attached) only after the flows are built.
type storeBindings struct{ o *orchestrator.Orchestrator }

func (b storeBindings) Goods(ctx context.Context, warehouse string, ids ...string) (map[string]storage.Good, error) {
	return b.o.Store().Goods(ctx, warehouse, ids...)
}

func (b storeBindings) GoodByID(ctx context.Context, warehouse, goodID string) (storage.Good, error) {
	return b.o.Store().GoodByID(ctx, warehouse, goodID)
}

func (b storeBindings) SaveGoods(ctx context.Context, goods ...storage.Good) error {
	return b.o.Store().SaveGoods(ctx, goods...)
}

func (b storeBindings) VariantGoods(ctx context.Context, warehouse, productID string) ([]storage.Good, error) {
	return b.o.Store().VariantGoods(ctx, warehouse, productID)
}

// Exclusive holds a lease in the database for fn: the catalogue's first
// registrations are one step across replicas. Busy, the job snoozes.
func (b storeBindings) Exclusive(ctx context.Context, key string, fn func() error) error {
	return b.o.WithLease(ctx, key, fn)
}
