package moysklad

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// limiter keeps MoySklad's limits on the client side: at most n requests in
// flight, and starts paced by what the rate-limit headers say
// (X-RateLimit-Limit requests per X-Lognex-Retry-TimeInterval ms; when
// X-RateLimit-Remaining reaches 0, wait X-Lognex-Reset ms).
type limiter struct {
	slots chan struct{}

	mu   sync.Mutex
	gap  time.Duration // between request starts
	next time.Time     // earliest next start

	waitCount atomic.Int64
	waitNanos atomic.Int64

	seenLimit, seenRemaining int
	seenInterval             time.Duration
}

func newLimiter(n int) *limiter { return &limiter{slots: make(chan struct{}, n)} }

func (l *limiter) acquire(ctx context.Context) error {
	t0 := time.Now()
	select {
	case l.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	l.mu.Lock()
	at := l.next
	if now := time.Now(); at.Before(now) {
		at = now
	}
	l.next = at.Add(l.gap)
	l.mu.Unlock()
	if d := time.Until(at); d > 0 {
		timer := time.NewTimer(d)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-ctx.Done():
			<-l.slots
			return ctx.Err()
		}
	}
	if waited := time.Since(t0); waited > time.Millisecond {
		l.waitCount.Add(1)
		l.waitNanos.Add(int64(waited))
	}
	return nil
}

func (l *limiter) release() { <-l.slots }

// learn adjusts pacing from an answer's headers.
func (l *limiter) learn(h http.Header) {
	limit, _ := strconv.Atoi(h.Get("X-RateLimit-Limit"))
	interval, _ := strconv.Atoi(h.Get("X-Lognex-Retry-TimeInterval"))
	remaining, errR := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	reset, _ := strconv.Atoi(h.Get("X-Lognex-Reset"))
	l.mu.Lock()
	defer l.mu.Unlock()
	if limit > 0 && interval > 0 {
		l.gap = time.Duration(interval) * time.Millisecond / time.Duration(limit)
		l.seenLimit, l.seenInterval = limit, time.Duration(interval)*time.Millisecond
	}
	if errR == nil {
		l.seenRemaining = remaining
	}
	if errR == nil && remaining == 0 && reset > 0 {
		if until := time.Now().Add(time.Duration(reset) * time.Millisecond); until.After(l.next) {
			l.next = until
		}
	}
}

func (l *limiter) waits() (int64, time.Duration) {
	return l.waitCount.Load(), time.Duration(l.waitNanos.Load())
}

// limitedTransport puts every attempt (not the whole retry loop) through
// the limiter, so a request sleeping in backoff holds no slot.
type limitedTransport struct {
	base  http.RoundTripper
	limit *limiter
}

func (t *limitedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := t.limit.acquire(r.Context()); err != nil {
		return nil, err
	}
	defer t.limit.release()
	resp, err := t.base.RoundTrip(r)
	if err == nil {
		t.limit.learn(resp.Header)
	}
	return resp, err
}
