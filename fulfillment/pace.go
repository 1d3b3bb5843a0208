package fulfillment

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// pacedTransport honours X-RateLimit-Reset on every answer, successful ones
// included: the spec (#rl_desc) gives there the seconds to wait before the
// next request, and a request sent earlier gets a 429 that counts against
// the err_qnt quota. Every attempt goes through it, retries included.
type pacedTransport struct {
	base   http.RoundTripper
	budget *budget // nil: no quota budget

	mu   sync.Mutex
	next time.Time // earliest next request

	waits atomic.Int64
}

func (t *pacedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if t.budget != nil {
		if err := t.budget.wait(r.Context()); err != nil {
			return nil, err
		}
	}
	t.mu.Lock()
	d := time.Until(t.next)
	t.mu.Unlock()
	if d > 0 {
		t.waits.Add(1)
		timer := time.NewTimer(d)
		select {
		case <-timer.C:
		case <-r.Context().Done():
			timer.Stop()
			return nil, r.Context().Err()
		}
	}
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	if s, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("X-RateLimit-Reset"))); err == nil && s > 0 {
		t.mu.Lock()
		if at := time.Now().Add(time.Duration(s) * time.Second); at.After(t.next) {
			t.next = at
		}
		t.mu.Unlock()
	}
	return resp, nil
}
