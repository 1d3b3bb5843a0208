package moysklad

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Schedule hands out request start times for one MoySklad account. The
// rate limit is the account's (per user or solution, moysklad.md §5.3), so
// every process using the account must book its starts in one schedule:
// replicas share one kept in their database (storage.Store.Schedule).
// Only durations cross it, so the replicas' clocks never matter.
type Schedule interface {
	// Reserve books the next start, gap after the previous one (or now,
	// if that is later), and says how long to wait for it and its number:
	// the schedule numbers the starts it books one after another, so two
	// starts numbered n and n+1 had no other start between them, of this
	// process or another (the limiter learns a request's weight only from
	// such pairs).
	Reserve(ctx context.Context, gap time.Duration) (wait time.Duration, seq int64, err error)
	// Defer moves the next start to at least d from now (X-Lognex-Reset).
	Defer(ctx context.Context, d time.Duration) error
}

// ErrSchedule marks a request that failed because its start could not be
// booked: the schedule's own error is wrapped with it.
var ErrSchedule = errors.New("moysklad: rate-limit schedule")

// memorySchedule is a Schedule in this process' memory: enough when one
// process uses the account.
type memorySchedule struct {
	mu     sync.Mutex
	next   time.Time // earliest next start
	booked int64     // starts booked
}

// NewMemorySchedule returns a Schedule kept in this process' memory, the
// one a Client uses unless Config.Schedule says otherwise.
func NewMemorySchedule() Schedule { return &memorySchedule{} }

func (s *memorySchedule) Reserve(_ context.Context, gap time.Duration) (time.Duration, int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	at := s.next
	if at.Before(now) {
		at = now
	}
	s.next = at.Add(gap)
	s.booked++
	return at.Sub(now), s.booked, nil
}

func (s *memorySchedule) Defer(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if until := time.Now().Add(d); until.After(s.next) {
		s.next = until
	}
	return nil
}
