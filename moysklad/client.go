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
	"strings"
	"sync/atomic"
	"time"

	"github.com/skladflow/skladflow/retryhttp"
)

// Client is a MoySklad JSON API 1.2 client: Bearer auth, gzip, at most
// MaxInFlight requests at once, paced by MoySklad's rate-limit headers,
// 429 and 5xx retried the way MoySklad asks.
type Client struct {
	cfg   Config
	http  *retryhttp.Client
	limit *limiter
	// idFilterRefused: MoySklad refused filter=id=…, so GetDocuments reads
	// one document at a time for the client's life (batchread.go).
	idFilterRefused atomic.Bool
	// batchBytes bounds a mass update's body (batchwrite.go).
	batchBytes int
}

// Stats counts what the client did.
type Stats struct {
	Requests, Retries, RateLimited, LimiterWaits int64
	LimiterWaited                                time.Duration
	// RequestUnits is what one request takes in the rate-limit headers'
	// terms; RequestUnitsSeen says the headers showed it (else it is the
	// configured cost).
	RequestUnits     int
	RequestUnitsSeen bool
}

// NewClient builds a client.
func NewClient(cfg Config) (*Client, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, limit: newLimiter(cfg.MaxInFlight, cfg.RequestCost, cfg.Schedule, cfg.Logger), batchBytes: batchBytes}
	base := *cfg.HTTPClient
	base.Transport = &limitedTransport{base: transportOf(cfg.HTTPClient), limit: c.limit}
	rc := cfg.retry()
	rc.HTTPClient = &base
	h, err := retryhttp.New(rc)
	if err != nil {
		return nil, fmt.Errorf("moysklad: %w", err)
	}
	c.http = h
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
	s := c.http.Stats()
	u, seen := c.limit.requestUnits()
	return Stats{Requests: s.Requests, Retries: s.Retries, RateLimited: s.RateLimited, LimiterWaits: w, LimiterWaited: d,
		RequestUnits: u, RequestUnitsSeen: seen}
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
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(payload))
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
	// A POST is repeated only after 429: after a network error or a 5xx
	// MoySklad may have executed it, and a repeat could create a second
	// entity.
	resp, err := c.http.Do(req)
	if err != nil {
		return &TransportError{Op: method + " " + path, Err: err}
	}
	defer resp.Body.Close()
	data, err := readBody(resp)
	if err != nil {
		return &TransportError{Op: method + " " + path + ": read", Err: err}
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
