package moysklad

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Client is a MoySklad JSON API 1.2 client: Bearer auth, gzip, at most
// MaxInFlight requests at once, paced by MoySklad's rate-limit headers,
// 429 and 5xx retried the way MoySklad asks.
type Client struct {
	cfg   Config
	http  *retryablehttp.Client
	limit *limiter
	stats stats
}

// Stats counts what the client did.
type Stats struct {
	Requests, Retries, RateLimited, LimiterWaits int64
	LimiterWaited                                time.Duration
}

type stats struct {
	requests, retries, rateLimited atomic.Int64
}

// NewClient builds a client.
func NewClient(cfg Config) (*Client, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, limit: newLimiter(cfg.MaxInFlight)}
	base := *cfg.HTTPClient
	base.Timeout = cfg.Timeout
	base.Transport = &limitedTransport{base: transportOf(cfg.HTTPClient), limit: c.limit, stats: &c.stats}
	rc := retryablehttp.NewClient()
	rc.HTTPClient = &base
	rc.RetryMax = cfg.RetryMax
	rc.RetryWaitMin, rc.RetryWaitMax = cfg.RetryWaitMin, cfg.RetryWaitMax
	rc.CheckRetry = c.checkRetry
	rc.Backoff = backoff
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	rc.Logger = cfg.Logger
	rc.RequestLogHook = func(_ retryablehttp.Logger, _ *http.Request, attempt int) {
		if attempt > 0 {
			c.stats.retries.Add(1)
		}
	}
	c.http = rc
	return c, nil
}

func transportOf(h *http.Client) http.RoundTripper {
	if h.Transport != nil {
		return h.Transport
	}
	return http.DefaultTransport
}

// RateLimit is what MoySklad's last answer said of the rate limit: requests
// per interval and how many are left. Zero before the first answer.
func (c *Client) RateLimit() (limit, remaining int, interval time.Duration) {
	c.limit.mu.Lock()
	defer c.limit.mu.Unlock()
	return c.limit.seenLimit, c.limit.seenRemaining, c.limit.seenInterval
}

// Stats returns counters since the client was made.
func (c *Client) Stats() Stats {
	w, d := c.limit.waits()
	return Stats{Requests: c.stats.requests.Load(), Retries: c.stats.retries.Load(),
		RateLimited: c.stats.rateLimited.Load(), LimiterWaits: w, LimiterWaited: d}
}

type ctxKey struct{}

type callInfo struct {
	method string
	start  time.Time
	budget time.Duration
}

// checkRetry decides per attempt. A POST is retried only after 429 (MoySklad
// did not execute it): after a network error or a 5xx it may have been
// executed, and repeating it could create a second entity.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	info, _ := ctx.Value(ctxKey{}).(callInfo)
	if time.Since(info.start) > info.budget {
		return false, err
	}
	if err != nil {
		return info.method != http.MethodPost, err
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		c.stats.rateLimited.Add(1)
		return true, nil
	case resp.StatusCode >= 500:
		return info.method != http.MethodPost, nil
	}
	return false, nil
}

// backoff waits what MoySklad says on a time-based 429
// (X-Lognex-Retry-After, milliseconds); otherwise (the parallel limit, 5xx,
// network) exponential backoff with full jitter.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		if ms, err := strconv.Atoi(resp.Header.Get("X-Lognex-Retry-After")); err == nil && ms >= 0 {
			return time.Duration(ms)*time.Millisecond + jitter(50*time.Millisecond)
		}
	}
	d := minWait << min(attempt, 16)
	if d <= 0 || d > maxWait {
		d = maxWait
	}
	return jitter(d)
}

// Do sends one call: path is relative to BaseURL ("entity/supply/<id>"),
// body is marshalled to JSON, the answer unmarshalled into out.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	u := strings.TrimRight(c.cfg.BaseURL, "/") + "/" + strings.TrimLeft(path, "/")
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("moysklad: %s %s: encode: %w", method, path, err)
		}
	}
	ctx = context.WithValue(ctx, ctxKey{}, callInfo{method: method, start: time.Now(), budget: c.cfg.RetryBudget})
	req, err := retryablehttp.NewRequestWithContext(ctx, method, u, payload)
	if err != nil {
		return fmt.Errorf("moysklad: %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("Accept", "application/json;charset=utf-8")
	req.Header.Set("User-Agent", "skladflow")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if method != http.MethodGet && c.cfg.WebhookPrefix != "" {
		req.Header.Set("X-Lognex-WebHook-DisableByPrefix", c.cfg.WebhookPrefix)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("moysklad: %s %s: %w", method, path, stripURL(err))
	}
	defer resp.Body.Close()
	data, err := readBody(resp)
	if err != nil {
		return fmt.Errorf("moysklad: %s %s: read: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		return &APIError{Status: resp.StatusCode, Method: method, Path: path, Errors: parseErrors(data)}
	}
	if out == nil || len(data) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("moysklad: %s %s: decode: %w", method, path, err)
	}
	return nil
}

// stripURL drops the URL from a transport error: it is noise in the
// mini-log and the timeline.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func readBody(resp *http.Response) ([]byte, error) {
	r := io.Reader(resp.Body)
	if strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, nil
			}
			return nil, err
		}
		defer zr.Close()
		r = zr
	}
	return io.ReadAll(io.LimitReader(r, 64<<20))
}

// parseErrors reads {"errors":[...]} or a bare array of error objects.
func parseErrors(data []byte) []ErrorElement {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil
	}
	var body ErrorBody
	if json.Unmarshal(data, &body) == nil && len(body.Errors) > 0 {
		return body.Errors
	}
	var arr []ErrorBody
	if json.Unmarshal(data, &arr) == nil {
		var out []ErrorElement
		for _, b := range arr {
			out = append(out, b.Errors...)
		}
		return out
	}
	return []ErrorElement{{Error: strings.TrimSpace(string(data[:min(len(data), 200)]))}}
}
