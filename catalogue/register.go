package catalogue

import (
	"context"
	"errors"
	"fmt"

	"github.com/skladflow/skladflow/storage"
)

// registerLease is the lease key of a warehouse's first registrations.
func registerLease(warehouse string) string { return "catalogue:" + warehouse }

// register applies a plan. When it binds a good_id for the first time it
// holds the warehouse's registration lease (with Leases): another replica
// may have planned the same new good_id for another item at the same
// moment, and the loser must not send its card under that good_id — FBox
// keeps the last card sent, so the good would describe the wrong item
// while bound to the right one. Under the lease the new good_ids are read
// again; one bound meanwhile fails the call (ErrGoodTaken, temporary), and
// the retry plans with the binding in view.
func (c *Catalogue) register(ctx context.Context, p *plan) ([]string, error) {
	if c.cfg.Leases == nil || !p.bindsNew() {
		return c.apply(ctx, p)
	}
	var ids []string
	err := c.cfg.Leases.Exclusive(ctx, registerLease(c.cfg.Warehouse), func() error {
		for _, e := range p.entries {
			if e.problem != "" || e.binding != nil {
				continue
			}
			g, err := c.cfg.Bindings.GoodByID(ctx, c.cfg.Warehouse, e.goodID)
			switch {
			case err == nil && g.AssortmentID != e.item.ID:
				return fmt.Errorf("catalogue: %s at %s was bound to %s %s meanwhile: %w", e.goodID, c.cfg.Warehouse,
					g.AssortmentType, g.AssortmentID, storage.ErrGoodTaken)
			case err != nil && !errors.Is(err, storage.ErrNotFound):
				return fmt.Errorf("catalogue: binding of %s: %w", e.goodID, err)
			}
		}
		var err error
		ids, err = c.apply(ctx, p)
		return err
	})
	return ids, err
}

// bindsNew says whether the plan gives an item its first good_id.
func (p *plan) bindsNew() bool {
	for _, e := range p.entries {
		if e.problem == "" && e.binding == nil {
			return true
		}
	}
	return false
}
