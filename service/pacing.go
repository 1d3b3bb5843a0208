package service

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

// pacingKey is the MoySklad account's row in the shared schedule.
const pacingKey = "moysklad"

// sharedPacing is the MoySklad client's start schedule on a database the
// replicas share: the store's, once it is open. The client is built
// before the store (resolving the warehouses' stores needs it), so those
// first requests are paced by this process alone; a 429 they may meet
// when replicas start together is retried as MoySklad asks.
type sharedPacing struct {
	shared atomic.Pointer[storage.Schedule]
	local  moysklad.Schedule
}

func newSharedPacing() *sharedPacing { return &sharedPacing{local: moysklad.NewMemorySchedule()} }

// attach moves the pacing to the store's schedule.
func (p *sharedPacing) attach(s *storage.Store) { p.shared.Store(s.Schedule(pacingKey)) }

func (p *sharedPacing) Reserve(ctx context.Context, gap time.Duration) (time.Duration, int64, error) {
	if s := p.shared.Load(); s != nil {
		return s.Reserve(ctx, gap)
	}
	// Numbered apart from the shared schedule's starts (counted from 1),
	// so no pair of a start before the switch and one after, nor of two
	// paced alone, passes for consecutive: the limiter learns nothing
	// from them.
	wait, seq, err := p.local.Reserve(ctx, gap)
	return wait, -seq, err
}

func (p *sharedPacing) Defer(ctx context.Context, d time.Duration) error {
	if s := p.shared.Load(); s != nil {
		return s.Defer(ctx, d)
	}
	return p.local.Defer(ctx, d)
}
