package retryhttp

import (
	"context"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// call is the retry state of one Do.
type call struct {
	c          *Client
	method     string
	host       string
	idempotent bool
	deadline   time.Time // the budget's end

	attempts int
	wait     time.Duration // decided by checkRetry, slept by the library
}

func (k *call) onAttempt(_ retryablehttp.Logger, _ *http.Request, n int) {
	k.c.requests.Add(1)
	if n > 0 {
		k.c.retries.Add(1)
	}
}

func (k *call) backoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
	return k.wait
}

// checkRetry decides after each attempt whether to go on, and how long to
// wait first.
func (k *call) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	k.attempts++
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		k.c.rateLimited.Add(1)
	}
	if !k.retryable(ctx, resp, err) {
		return false, err
	}
	cfg := &k.c.cfg
	wait, asked := k.nextWait(resp)
	left := time.Until(k.deadline)
	switch {
	case k.attempts > cfg.RetryMax:
		k.giveUp(resp, err, "retries exhausted")
		return false, err
	case left <= 0 || asked && wait > left:
		// A server that asks for more than is left would refuse an earlier
		// retry too: the caller comes back later.
		k.giveUp(resp, err, "retry budget spent")
		return false, err
	}
	k.wait = min(wait+jitterIf(asked, cfg.WaitMin), left)
	cfg.Logger.Debug("retrying", k.attrs(resp, err, "wait", k.wait)...)
	return true, nil
}

// retryable: a transport failure or a 5xx only when repeating is harmless
// (the server may have executed the request); a 429 always (it did not).
func (k *call) retryable(ctx context.Context, resp *http.Response, err error) bool {
	if err != nil {
		// The library's policy knows the failures no retry mends (TLS
		// certificates, redirect loops, bad schemes).
		ok, _ := retryablehttp.DefaultRetryPolicy(ctx, nil, err)
		return ok && k.idempotent
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return true
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		return k.idempotent
	}
	return false
}

// nextWait is what a 429 or 503 asks for, else the backoff.
func (k *call) nextWait(resp *http.Response) (wait time.Duration, asked bool) {
	cfg := &k.c.cfg
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := cfg.ServerWait(resp); ok {
			return d, true
		}
	}
	return backoff(cfg.WaitMin, cfg.WaitMax, k.attempts-1), false
}

// jitterIf spreads clients a server told the same wait, so they do not
// come back at the same instant.
func jitterIf(asked bool, d time.Duration) time.Duration {
	if !asked {
		return 0
	}
	return jitter(d)
}

func (k *call) giveUp(resp *http.Response, err error, why string) {
	k.c.cfg.Logger.Warn("giving up", k.attrs(resp, err, "reason", why)...)
}

// attrs describe an attempt without its URL path or query.
func (k *call) attrs(resp *http.Response, err error, more ...any) []any {
	peer := k.c.cfg.Peer
	if peer == "" {
		peer = k.host
	}
	a := []any{"peer", peer, "method", k.method, "attempt", k.attempts}
	if err != nil {
		a = append(a, "err", redact(err))
	} else {
		a = append(a, "status", resp.StatusCode)
	}
	return append(a, more...)
}
