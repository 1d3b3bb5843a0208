package feed

import (
	"context"
	"slices"

	"github.com/skladflow/skladflow/orchestrator"
)

// Reconcile finds documents the warehouse deleted: not yet applied ones
// are dropped; one applied (wholly, or in part before a crash or a
// failure) but not yet locked — in shared reading, where nothing is
// locked, any applied one — deleted is the warehouse correcting it, so its
// effect is reverted (the replacement comes as a new document). Then each
// handler that has something of its own to look for does.
func (f *Feed) Reconcile(ctx context.Context) (int, error) {
	n := 0
	for i := range f.whs {
		m, err := f.reconcileDeleted(ctx, &f.whs[i], false)
		if err != nil {
			return n, err
		}
		n += m
	}
	var done []Handler
	for _, t := range f.types() {
		h := f.handlers[t]
		r, ok := h.(orchestrator.Reconciler)
		if !ok || slices.Contains(done, h) {
			continue
		}
		done = append(done, h)
		m, err := r.Reconcile(ctx)
		if err != nil {
			return n, err
		}
		n += m
	}
	return n, nil
}
