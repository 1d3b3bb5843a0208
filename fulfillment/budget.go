package fulfillment

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// budget keeps the client within a share of the account's request quotas
// (#rl_desc): FBox keeps a token bucket per partner_id for a day and for a
// minute (GET /settings rate_limits.req_qnt) and answers 429 once one is
// empty. The account's other systems — the warehouse's web cabinet,
// another integration — draw on the same buckets, so the client takes only
// its share, at a steady rate, instead of emptying them and then waiting on
// X-RateLimit-Reset. Unknown quotas (not read yet, or 0) budget nothing.
type budget struct {
	share float64

	mu             sync.Mutex
	minute, day    *rate.Limiter
	readAt, failAt time.Time

	waits atomic.Int64
}

// budgetRefresh is how often the quotas are read again: the warehouse may
// raise them for a while (#rl_desc); a failed read is tried again after
// budgetRetry.
const (
	budgetRefresh = time.Hour
	budgetRetry   = 5 * time.Minute
)

// stale reports whether the quotas should be read at now.
func (b *budget) stale(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return now.Sub(b.readAt) >= budgetRefresh && now.Sub(b.failAt) >= budgetRetry
}

// set takes the account's quotas read at now; nil leaves them unknown
// until the next read.
func (b *budget) set(now time.Time, q *Quota) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if q == nil {
		b.failAt = now
		return
	}
	b.readAt = now
	b.minute = b.bucket(b.minute, q.Minute, time.Minute)
	b.day = b.bucket(b.day, q.Day, 24*time.Hour)
}

// bucket is a limiter holding share of quota, refilled over per; an
// existing one keeps its tokens when the quota changes.
func (b *budget) bucket(l *rate.Limiter, quota float64, per time.Duration) *rate.Limiter {
	n := b.share * quota
	if n < 1 {
		return nil
	}
	r := rate.Limit(n / per.Seconds())
	if l == nil {
		return rate.NewLimiter(r, int(n))
	}
	l.SetLimit(r)
	l.SetBurst(int(n))
	return l
}

// delay reserves one request at now and returns how long it must wait.
func (b *budget) delay(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	var d time.Duration
	for _, l := range []*rate.Limiter{b.minute, b.day} {
		if l != nil {
			d = max(d, l.ReserveN(now, 1).DelayFrom(now))
		}
	}
	return d
}

// wait holds a request until the budget allows it.
func (b *budget) wait(ctx context.Context) error {
	d := b.delay(time.Now())
	if d <= 0 {
		return nil
	}
	b.waits.Add(1)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
