// Package retryhttp is the one retrying HTTP base of skladflow's outbound
// clients, on go-retryablehttp: exponential backoff with full jitter, the
// wait a 429 or 503 asks for, a retry budget per call, a method policy that
// never repeats a request the server may have executed unless the caller
// says it is safe, and transport errors without their URL.
package retryhttp

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Client sends requests with retries. It is safe for concurrent use.
type Client struct {
	cfg  Config
	http *http.Client

	requests, retries, rateLimited atomic.Int64
}

// Stats counts what the client did.
type Stats struct {
	// Requests counts attempts sent, retries included.
	Requests int64
	// Retries counts attempts after the first of a call.
	Retries int64
	// RateLimited counts 429 answers.
	RateLimited int64
}

// New builds a client.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.setDefaults()
	h := *cfg.HTTPClient
	h.Timeout = cfg.Timeout
	return &Client{cfg: cfg, http: &h}, nil
}

// Stats returns counters since the client was made.
func (c *Client) Stats() Stats {
	return Stats{Requests: c.requests.Load(), Retries: c.retries.Load(), RateLimited: c.rateLimited.Load()}
}

type budgetKey struct{}

// Begin starts a call's retry budget now, unless ctx already carries one:
// every request sent with the returned context shares it (a token request
// and the call it serves, a repeat after a renewed token). Do begins one
// itself when the context carries none.
func (c *Client) Begin(ctx context.Context) context.Context {
	if _, ok := ctx.Value(budgetKey{}).(time.Time); ok {
		return ctx
	}
	return context.WithValue(ctx, budgetKey{}, time.Now().Add(c.cfg.Budget))
}

// Do sends req. GET, HEAD, OPTIONS, PUT and DELETE are retried after a
// network error or a 5xx; any other method only after 429, when the server
// certainly did not execute it. The body is read once and replayed.
//
// An answer is returned as it came, whatever its status, with a nil error;
// the error is a transport failure without its URL, or the context's.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	return c.do(req, idempotentMethod(req.Method))
}

// DoIdempotent sends req, retried like a GET: the caller says repeating it
// is harmless (an idempotency key, a token request, a message where a
// duplicate is better than a loss).
func (c *Client) DoIdempotent(req *http.Request) (*http.Response, error) {
	return c.do(req, true)
}

func idempotentMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

func (c *Client) do(req *http.Request, idempotent bool) (*http.Response, error) {
	ctx := c.Begin(req.Context())
	deadline, _ := ctx.Value(budgetKey{}).(time.Time)
	rreq, err := retryablehttp.FromRequest(req.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("retryhttp: %s: body: %w", req.Method, err)
	}
	call := &call{c: c, method: req.Method, host: req.URL.Host, idempotent: idempotent, deadline: deadline}
	// A retryablehttp.Client per call is a few words: its hooks see this
	// call's state, which Backoff (no context) could not reach otherwise.
	rc := &retryablehttp.Client{
		HTTPClient:     c.http,
		RetryMax:       c.cfg.RetryMax,
		RetryWaitMin:   c.cfg.WaitMin,
		RetryWaitMax:   c.cfg.WaitMax,
		CheckRetry:     call.checkRetry,
		Backoff:        call.backoff,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
		RequestLogHook: call.onAttempt,
		// No Logger: the library logs the URL and the raw error.
	}
	resp, err := rc.Do(rreq)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, redact(err)
	}
	return resp, nil
}
